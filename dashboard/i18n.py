"""Swedish user interface with an English switch.

Texts are written in Swedish in the code, ``t("Översikt")``; with the English switch
on, ``t`` looks the text up in ``ENGLISH``. A text without a translation stays Swedish
(a test checks that every text the pages use has one).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import streamlit as st

from core import formatting

ENGLISH: dict[str, str] = {
    # Issue 11 (words): Streamlit's own widget texts, table headers and terms, the Problembild map
    "Välj fil": "Choose file",
    "Högst {mb} MB per fil": "At most {mb} MB per file",
    "Släpp filen här": "Drop the file here",
    "Välj …": "Choose …",
    "Välj en eller flera …": "Choose one or more …",
    "Filtyper: {types}": "File types: {types}",
    "CSV-filen har talen som ett kalkylprogram läser dem – punkt som decimaltecken, andelar från 0 till 1 "
    "och kolumnernas tekniska namn där tabellen har sådana – så att det går att räkna vidare med dem.":
        "The CSV file has the numbers as a spreadsheet reads them – a point as decimal sign, shares from 0 to 1 "
        "and the columns' technical names where the table has them – so that you can keep calculating with them.",
    "Mot året innan": "Against the year before",
    "Förändring (procentenheter)": "Change (percentage points)",
    "Ruta (100 m)": "Cell (100 m)",
    "Gi* (z)": "Gi* (z)",
    "Ruta med många händelser": "Cell with many incidents",
    "Hot spot, 99 %": "Hot spot, 99%", "Hot spot, 95 %": "Hot spot, 95%", "Hot spot, 90 %": "Hot spot, 90%",
    "Cold spot, 90 %": "Cold spot, 90%", "Cold spot, 95 %": "Cold spot, 95%", "Cold spot, 99 %": "Cold spot, 99%",
    "polis": "police", "kommun": "municipality", "annan": "other",
    "förslag": "proposed", "prioriterad": "prioritised", "åtgärdad": "acted on", "avslutad": "closed",
    "fastighetsägare": "property owner", "räddningstjänst": "rescue service", "trygghetsvandring": "safety walk",
    "Id": "Id", "Från": "From", "Till": "To", "X (öster)": "X (east)", "Y (norr)": "Y (north)",
    "Platstyp": "Place type", "Reparationskostnad (kr)": "Repair cost (SEK)", "Radie (m)": "Radius (m)",
    "Ligger i": "Lies in", "Fråga (kod)": "Question (code)", "Värde": "Value", "Antal svar": "Responses",
    "Konfidensintervall, nedre": "Confidence interval, lower", "Konfidensintervall, övre": "Confidence interval, upper",
    "Lager": "Layer", "Lägesnoggrannhet": "Position precision",
    "1 – hög": "1 – high", "2 – medel": "2 – medium", "3 – låg": "3 – low",
    "polisanalytiker": "police analyst", "kommunanalytiker": "municipal analyst", "deltagare": "participant",
    "styrgrupp": "steering group", "administratör": "administrator",
    "Hot spots (Gi*)": "Hot spots (Gi*)", "Namngivna platser": "Named places",
    "Bakgrund (orten)": "Background (the town)", "Täthet (kärnskattning)": "Density (kernel estimate)",
    "Klass": "Class",
    # end of issue 11 (words)
    # Robustness of a pinned place (dashboard/components/robustness.py)
    "Stabiliteten som hot spot kan inte bedömas: {reason}": "The stability as a hot spot cannot be assessed: {reason}",
    "Stabiliteten som hot spot visas inte: för få händelser för att visas (under {k}).":
        "The stability as a hot spot is not shown: too few incidents to show (under {k}).",
    "Hur stabil är platsen som hot spot?": "How stable is the place as a hot spot?",
    "Het = minst hälften av platsens yta ligger i rutor som är hot spots (Gi* med FDR, 95 %). Perioden är "
    "sidofältets, delad i fyra lika delar.":
        "Hot = at least half of the place's area lies in hot-spot cells (Gi* with FDR, 95%). The period is the "
        "sidebar's, cut into four equal parts.",
    "Jämförelse": "Comparison",
    "Läge": "Setting",
    "Händelser i platsen": "Incidents at the place",
    "Andel av platsen i heta rutor": "Share of the place in hot cells",
    "Resultat": "Result",
    "Rutstorlek": "Cell size",
    "het": "hot",
    "inte het": "not hot",
    "{share} i klassen": "{share} in the class",
    # Near repeat on Tid (dashboard/components/near_repeat.py)
    "Upprepade händelser nära i tid och rum (near repeat)": "Repeats close in time and space (near repeat)",
    "Brottstyper för near repeat": "Categories for near repeat",
    "Permutationer": "Permutations",
    "Fler permutationer ger säkrare p-värden men tar längre tid (999 tar några sekunder på tusentals inbrott).":
        "More permutations give surer p-values but take longer (999 take a few seconds on thousands of burglaries).",
    "För få händelser med position för att räkna near repeat.": "Too few incidents with a position for near repeat.",
    "Räknar near repeat …": "Computing near repeat …",
    "Knox-kvot: par jämfört med slumpen": "Knox ratio: pairs compared with chance",
    "Knox-kvot": "Knox ratio",
    "Avstånd": "Distance",
    "Tid mellan händelserna": "Time between the incidents",
    "dagar": "days",
    "Det närmaste bandet har för få par för att visas på den här visningsnivån.":
        "The nearest band has too few pairs to be shown at this view level.",
    "Kvoten är antalet par av händelser inom avståndet och tiden delat med det antal som blir när datumen blandas "
    "slumpmässigt ({n} gånger). 1 = som slumpen; * = p < 0,05. Banden är [från, till).":
        "The ratio is the number of pairs of incidents within the distance and the time divided by the number "
        "obtained when the dates are shuffled at random ({n} times). 1 = as chance gives; * = p < 0.05. The bands "
        "are [from, to).",
    "Översikt": "Overview",
    "Karta": "Map",
    # Issue 12 (S-index, empirical Bayes): Översikt's pattern change, Karta's and Trygghet's smoothed rates
    "Har mönstret ändrats?": "Has the pattern changed?",
    "Jämför med": "Compare with",
    "Perioden närmast före": "The period just before",
    "Det finns inga händelser inom områdena i en av perioderna att jämföra.":
        "There are no incidents inside the districts in one of the periods to compare.",
    "Andresens S-index: varje områdes andel av händelserna {test} jämförs med andelen {base}. En andel utanför "
    "95 % av {n} omdragningar räknas som ändrad; S är andelen områden som är liknande (S ≥ 0,80: i stort sett "
    "samma mönster).":
        "Andresen's S-index: each district's share of the incidents {test} is compared with its share {base}. A "
        "share outside 95% of {n} resamples counts as changed; S is the share of districts that are similar "
        "(S ≥ 0.80: much the same pattern).",
    "Antal före": "Count before", "Antal nu": "Count now", "Andel före": "Share before", "Andel nu": "Share now",
    "Mönster": "Pattern", "liknande": "similar", "högre andel": "higher share", "lägre andel": "lower share",
    "Skattad takt (empirisk Bayes) – små områden dras mot snittet":
        "Estimated rate (empirical Bayes) – small districts are pulled towards the average",
    "Används eftersom minst ett område har färre än {n} invånare; den uppmätta takten står i tabellen.":
        "Used because at least one district has fewer than {n} inhabitants; the measured rate is in the table.",
    "Skattad takt per 1 000 invånare (empirisk Bayes)": "Estimated rate per 1,000 inhabitants (empirical Bayes)",
    "uppmätt": "measured",
    "{names}: färre än {n} invånare, så nivån per invånare räknas inte som skäl att sticka ut (med så få boende "
    "säger talet mer om hur få som bor där än om platsen).":
        "{names}: fewer than {n} inhabitants, so the level per inhabitant is not a reason to stand out (with so few "
        "residents the figure says more about how few live there than about the place).",
    # end of issue 12
    # Karta's emerging hot spots (dashboard/components/emerging_layer.py)
    "Framväxande hot spots": "Emerging hot spots",
    "Nya, växande, ihållande och avtagande hot spots: Gi* per ruta och tidssteg med Mann–Kendall-trend, som "
    "ArcGIS Emerging Hot Spot Analysis.":
        "New, intensifying, persistent and diminishing hot spots: Gi* per cell and time step with a Mann–Kendall "
        "trend, as ArcGIS's Emerging Hot Spot Analysis.",
    "Tidssteg": "Time step", "Månad": "Month", "Kvartal": "Quarter", "Vecka": "Week", "Läsning": "Reading",
    "Ladda ner GeoJSON": "Download GeoJSON",
    "Inga rutor att visa med ett mönster.": "No cells with a pattern to show.",
    "Tid": "Time",
    # Arbetsmöte: the guided workshop flow (dashboard/components/workshop.py)
    "Arbetsmöte": "Workshop",
    "Starta arbetsmöte": "Start workshop",
    "Avsluta arbetsmötet": "End the workshop",
    "← Tillbaka": "← Back",
    "Nästa: {step} →": "Next: {step} →",
    "Tillbaka till stegets sida": "Back to this step's page",
    "Veckodag × timme på sidan Tid": "Weekday × hour on the Time page",
    "Lägesbild": "Situation",
    "Vad sticker ut": "What stands out",
    "Fäst platser": "Pin places",
    "Orsaker": "Causes",
    "Plan för uppföljning": "Follow-up plan",
    "Hur ser läget ut? Gå igenom antal, förändring och trygghet i området.":
        "What is the situation? Go through the numbers, the change and how safe people feel in the area.",
    "Vilka platser och tider sticker ut? Klicka på kartan.": "Which places and times stand out? Click on the map.",
    "Vilka platser tar vi med i den gemensamma problembilden? Klicka på en hot spot och fäst den.":
        "Which places go into the joint problem picture? Click a hot spot and pin it.",
    "Varför händer det just här? Tänk på platsen, de utsatta och gärningspersonerna.":
        "Why does it happen just here? Think of the place, the victims and the offenders.",
    "Vad gör vi, vem gör det – och vilket mål visar att det har fungerat?":
        "What do we do, who does it – and which goal shows that it has worked?",
    "Hur och när följer vi upp? Välj jämförelseområde och perioder för rapporten till styrgruppen.":
        "How and when do we follow up? Choose the comparison area and the periods for the steering group's report.",
    # Karta's time slider (dashboard/components/time_slider.py)
    "Spela": "Play",
    "Pausa": "Pause",
    "Tidsreglage: se mönstret månad för månad": "Time slider: watch the pattern month by month",
    "Händelser per ruta om {cell} m och månad (månaden då tidsfönstret börjar), med filtren i sidopanelen. "
    "Tryck Spela eller dra i reglaget.":
        "Incidents per {cell} m cell and month (the month the time window starts in), with the filters in the "
        "sidebar. Press Play or drag the slider.",
    "På den här visningsnivån visas bara rutor med minst {k} händelser den månaden.":
        "At this sharing level only cells with at least {k} incidents that month are shown.",
    # Problembild: causes, measures and goals (edit, archive, undo, history) and the example picture
    "Stäng": "Close",
    "Ångra": "Undo",
    "Orsaken flyttas till arkivet; inget raderas och den kan tas tillbaka.":
        "The cause is moved to the archive; nothing is deleted and it can be brought back.",
    "Åtgärden flyttas till arkivet med sina kopplingar; inget raderas och den kan tas tillbaka.":
        "The measure is moved to the archive with its links; nothing is deleted and it can be brought back.",
    "Målet flyttas till arkivet; inget raderas och det kan tas tillbaka.":
        "The goal is moved to the archive; nothing is deleted and it can be brought back.",
    "Orsaken är arkiverad:": "The cause is archived:",
    "Åtgärden är arkiverad:": "The measure is archived:",
    "Målet är arkiverat:": "The goal is archived:",
    "Orsaken är tillbaka.": "The cause is back.",
    "Åtgärden är tillbaka.": "The measure is back.",
    "Målet är tillbaka.": "The goal is back.",
    "Orsaken är ändrad.": "The cause is changed.",
    "Åtgärden är ändrad.": "The measure is changed.",
    "Målet är ändrat.": "The goal is changed.",
    "skapad": "created",
    "ändrad": "changed",
    "arkiverad": "archived",
    "tillbakatagen": "brought back",
    "inläst från fil": "read from a file",
    "sammanslagen": "merged",
    "kopplad till plats": "linked to a place",
    "raderad": "deleted",
    "När": "When",
    "Vem": "Who",
    "Vad": "What",
    "Ändrat": "Changed",
    "Inga ändringar är loggade.": "No changes are logged.",
    "ja": "yes",
    "nej": "no",
    "stannar i rummet": "stays in the room",
    "Ny orsak": "New cause",
    "från": "from",
    "situationell": "situational",
    "social": "social",
    "planerad": "planned",
    "genomförd": "done",
    "avbruten": "stopped",
    "effektmål": "effect goal",
    "processmål": "process goal",
    "produktionsmål": "production goal",
    "mål": "goal",
    "basperiod": "baseline",
    "uppföljning": "follow-up",
    "av": "of",
    "Utan basperiod räknas målet på uppföljningens före- och efterperiod.":
        "Without a baseline the goal is counted over the follow-up's before and after periods.",
    "t.ex. tolv trygghetsvandringar": "e.g. twelve safety walks",
    "Välj både start- och slutdatum": "Choose both a start and an end date",
    "Åtgärder": "Measures",
    "Återställ exempelbilden": "Reset the example picture",
    "Exempeldatats (Exempelstad) platser, orsaker, åtgärder, mål och uppföljningar arkiveras – "
    "inget raderas – och handbokens exempelbild läses in på nytt. Andra dataset rörs inte.":
        "The example data's (Exempelstad) places, causes, measures, goals and follow-ups are archived – "
        "nothing is deleted – and the handbook's example picture is loaded again. Other datasets are "
        "left as they are.",
    "Ja, återställ exempelbilden": "Yes, reset the example picture",
    "Återställ": "Reset",
    "Trygghet": "Safety survey",
    "Data": "Data",
    "Filter": "Filters",
    "Alla": "All",
    "Period": "Period",
    # Crime groups and the "Ej brott: …" groups (traffic accidents, fires) of the police's event feed.
    "Händelsegrupper (tomt = alla)": "Incident groups (empty = all)",
    "Kategorier (tomt = alla i valda grupper)": "Categories (empty = all in chosen groups)",
    "Källor (tomt = alla)": "Sources (empty = all)",
    "Områden (tomt = alla)": "Districts (empty = all)",
    "Veckodagar (tomt = alla)": "Weekdays (empty = all)",
    "(ur filen)": "(from the file)",
    "Timmar": "Hours",
    "Projektorläge": "Projector mode",
    "Filter och inställningar": "Filters and settings",
    "Dölj filter och inställningar": "Hide filters and settings",
    "English": "English",
    "Aktivt dataset": "Active dataset",
    "Arbetsstation för en användare – ingen inloggning": "Single-user workstation – no sign-in",
    "Logga in med din organisations konto": "Sign in with your organisation's account",
    "Samsyn visar polisens och kommunens gemensamma problembild och kräver inloggning.":
        "Samsyn shows the police's and the municipality's joint problem picture and requires sign-in.",
    "Logga in": "Sign in",
    "Logga ut": "Sign out",
    "Inloggad som": "Signed in as",
    "Ändringar sparas i ändringsloggen som": "Changes are saved in the change log as",
    "Fiktiva exempeldata": "Fictional sample data",
    "Inga händelser matchar filtren.": "No incidents match the filters.",
    "Inte heller på något annat datum: ändra kategorier, källor, områden, veckodagar eller timmar.":
        "Not on any other date either: change the categories, sources, districts, weekdays or hours.",
    "Perioden {period} har inga händelser med de här filtren. Trenden visar alla datum ({span}) med de övriga "
    "filtren.":
        "The period {period} has no incidents with these filters. The trend shows every date ({span}) with the "
        "other filters.",
    "Alla datum": "Every date",
    "Återställ filter": "Reset filters",
    "Länk till vyn": "Link to this view",
    "Kopiera adressen i webbläsaren för att dela exakt denna vy.": "Copy the browser address to share exactly this view.",
    "Ladda ner CSV": "Download CSV",
    "Händelser": "Incidents",
    "samma period året innan": "same period the year before",
    "Vad som sticker ut": "What stands out",
    "Områden": "Districts",
    "Mikroplatser": "Micro-places",
    "Trygghet i korthet": "Safety survey in brief",
    "Inläst data": "Loaded data",
    "Källa": "Source",
    "Antal": "Count",
    "Kod": "Code",
    "Invånare": "Inhabitants",
    "Område": "District",
    "Plats": "Place",
    "Förändring": "Change",
    "Bedömning": "Assessment",
    "per 1 000 inv.": "per 1,000 inhabitants",
    "Störst ökning mot samma period året innan": "Largest increase on the same period last year",
    "Flest händelser per invånare": "Most incidents per inhabitant",
    "Namngivna platser med flest händelser": "Named places with most incidents",
    "Brottsintensiva rutor (Gi*, 100 m)": "Hot spot cells (Gi*, 100 m)",
    "Kategorier": "Categories",
    "Veckodag × timme (aoristisk viktning)": "Weekday × hour (aoristic weighting)",
    "Med känd tid": "With known time",
    "Okänd tid": "Unknown time",
    "Händelser med tidsfönster längre än 24 timmar ingår inte i diagrammet.":
        "Incidents with a time window longer than 24 hours are not in the chart.",
    "Toppen": "Peak",
    "kl.": "at",
    "En händelse med tidsfönster (t.ex. inbrott 08–17) fördelas jämnt över timmarna i fönstret.":
        "An incident with a time window (e.g. a burglary 08–17) is spread evenly over the window's hours.",
    "Månad × timme": "Month × hour",
    "Lägg till": "Add",
    "Timprofil för veckodagarna": "Hour profile for the weekdays",
    "Händelser per timme": "Incidents per hour",
    "Vald period": "Chosen period",
    "Samma period året innan": "Same period the year before",
    "Händelser per månad": "Incidents per month",
    "Händelser per kvartal": "Incidents per quarter",
    "Uppföljningen räknas på ett dataset som inte delas med dig.":
        "The follow-up is counted on a dataset that is not shared with you.",
    "Fråga": "Question",
    "Andel (%)": "Share (%)",
    "Index 0–6 (0 = inget problem, 6 = alarmerande)": "Index 0–6 (0 = no problem, 6 = alarming)",
    "lägre är bättre": "lower is better",
    "högre är bättre": "higher is better",
    "Linjerna visar 95 % konfidensintervall (Wilson för andelar). Osäkert = färre än 30 svar eller okänt antal svar.":
        "Lines show 95 % confidence intervals (Wilson for shares). Uncertain = fewer than 30 or unknown responses.",
    "Förändring mellan år": "Change between years",
    "Från år": "From year",
    "Till år": "To year",
    "Osäkert": "Uncertain",
    "Trygghet och anmälda brott": "Safety and reported crime",
    "År": "Year",
    "Händelser per 1 000 invånare": "Incidents per 1,000 inhabitants",
    "Trygghet mot anmälda brott per område": "Feeling of safety against reported crime, by district",
    "Områden färgas efter": "Colour districts by",
    "Antal händelser": "Number of incidents",
    "Förändring mot samma period året innan (%)": "Change on the same period last year (%)",
    "Rutstorlek för hot spots": "Hot spot cell size",
    "Täthetsyta": "Density surface",
    "Trygghetslager": "Survey layer",
    "Enskilda händelser visas först vid inzoomning (nivå {zoom}+) och aldrig för skyddade kategorier.":
        "Individual incidents appear only when zoomed in (level {zoom}+) and never for protected categories.",
    "Just nu är de för många – avgränsa med filtren.": "Right now there are too many – narrow the filters.",
    "Klicka på ett område, en ruta eller en plats – eller rita ett område – för att se dess siffror, trend och veckodag × timme och fästa det i problembilden.":
        "Click a district, cell or place – or draw an area – to see its numbers, trend and weekday × hour and pin it "
        "to the problem picture.",
    "Ritat område": "Drawn area",
    "Skapa kartbild (PNG)": "Create map image (PNG)",
    # Pinning for a room (Karta): clusters, the pinned layer, undo, the minimum detectable effect.
    "Fästa platser": "Pinned places",
    "Platserna som redan är fästa i problembilden, med sin rubrik.":
        "The places already pinned to the problem picture, with their titles.",
    "Fäst plats": "Pinned place",
    "Vald plats": "Selected place",
    "Hot spot": "Hot spot",
    "Vad ska fästas?": "What is pinned?",
    "Fäst hela klustret ({cells} rutor, {incidents} händelser)":
        "Pin the whole cluster ({cells} cells, {incidents} incidents)",
    "Fäst bara rutan": "Pin only the cell",
    "Redan fäst som ‘{title}’ (#{id}).": "Already pinned as ‘{title}’ (#{id}).",
    "Redan fäst som ‘{title}’ (#{id}). Ändra den på sidan Problembild.":
        "Already pinned as ‘{title}’ (#{id}). Change it on the Problem picture page.",
    "Ångra fästningen": "Undo the pin",
    "Fästningen är ångrad: ‘{title}’ är arkiverad och visas inte längre i problembilden eller på kartan.":
        "The pin is undone: ‘{title}’ is archived and no longer shown in the problem picture or on the map.",
    "För få händelser för att en uppföljning ska kunna visa en effekt här – välj ett större område eller en längre period.":
        "Too few incidents for a follow-up to show an effect here – choose a larger area or a longer period.",
    "Ladda ner kartbild": "Download map image",
    "Ruta": "Cell",
    "Veckodag × timme": "Weekday × hour",
    "Per månad": "Per month",
    "Kategori": "Category",
    "Siffrorna bakom kartan": "The numbers behind the map",
    "Läs in en fil": "Load a file",
    "Vad innehåller filen?": "What does the file hold?",
    "Händelser (brott, ordningsstörningar, kommunens rapporter)": "Incidents (crimes, disorder, municipal reports)",
    "Områdeslager (stadsdelar, DeSO, RegSO …)": "Area layer (districts, DeSO, RegSO …)",
    "Namngivna platser (mikroplatser)": "Named places (micro-places)",
    "Trygghetsmätning": "Safety survey",
    "Fil": "File",
    "Kolumner i filen (värdena visas först när importen har kontrollerat dem):":
        "Columns in the file (values are shown only once the import has checked them):",
    "rader": "rows",
    "Det här sparas (de första raderna, efter importen):": "What will be saved (the first rows, after the import):",
    "**Kolumner** – lämna \"gissa automatiskt\" där Samsyn känner igen namnet.":
        "**Columns** – leave \"guess\" where Samsyn recognises the name.",
    "X / östlig koordinat": "X / easting", "Y / nordlig koordinat": "Y / northing", "Latitud": "Latitude",
    "Longitud": "Longitude", "Datum och tid": "Date and time", "Datum": "Date", "Klockslag": "Time",
    "Timme": "Hour", "Brottstidpunkt från": "Time from", "Brottstidpunkt till": "Time to",
    "Brottstyp / kategori": "Offence / category", "Id / ärendenummer": "Id / case number",
    "Platstyp (ute/inne)": "Place type (outdoor/indoor)",
    "Koordinatsystem (tomt = gissa)": "Coordinate system (empty = guess)",
    "Källa för hela filen": "Source for the whole file",
    "Hoppa över ogiltiga rader (sparas separat med orsak)": "Skip invalid rows (kept separately with reason)",
    "Id-kolumn": "Id column", "Namnkolumn": "Name column", "Befolkning": "Population",
    "Spara i dataset": "Save in dataset", "Nytt dataset": "New dataset", "Namn på nytt dataset": "New dataset name",
    "Datumformat": "Date format",
    "Läs av automatiskt": "Detect automatically",
    "Eget datumformat (strftime, t.ex. %d/%m/%Y %H:%M)": "Own date format (strftime, e.g. %d/%m/%Y %H:%M)",
    "Kolumnen": "Column",
    "Välj hur datumen ska läsas i rutan 'Datumformat' och tryck Kontrollera igen.":
        "Choose how the dates are to be read in the 'Date format' box and press Check again.",
    "dag/månad/år": "day/month/year",
    "månad/dag/år": "month/day/year",
    "Kontrollera": "Check", "Spara": "Save", "Filen går att läsa in.": "The file can be loaded.",
    "Sparat i datasetet": "Saved in dataset", "Dataset": "Datasets", "Namn": "Name", "Filer": "Files",
    "Skapad": "Created", "Aktivt": "Active", "Välj dataset": "Choose dataset",
    "Använd som aktivt dataset": "Use as active dataset",
    "Standard": "Default",
    "Valet gäller den här sessionen och adressen (dela länken för att visa samma data). "
    "Standard för nya sessioner och kommandoraden väljs med `samsyn dataset use`.":
        "The choice holds for this session and its address (share the link to show the same data). "
        "The default for new sessions and the command line is set with `samsyn dataset use`.",
    "Datasetet finns inte eller delas inte med dig; visar {name}.":
        "The dataset does not exist or is not shared with you; showing {name}.",
    "Inga dataset delas med dig ännu. Be en analytiker eller administratören att dela ett dataset med din "
    "organisation.": "No dataset is shared with you yet. Ask an analyst or the administrator to share one with "
    "your organisation.",
    "Rolltabellen kunde inte läsas: databasen svarar inte. Du har ingen roll förrän den svarar igen; försök om "
    "en stund.": "The role table could not be read: the database does not answer. You have no role until it "
    "answers again; try again in a moment.",
    "De fästa platserna kan inte visas: databasen svarar inte just nu.":
        "The pinned places cannot be shown: the database does not answer at the moment.",
    "Databasen svarar inte just nu, så problembilden kan inte läsas. Försök igen om en stund – det som redan är "
    "sparat finns kvar.": "The database does not answer at the moment, so the problem picture cannot be read. "
    "Try again in a moment – what is already saved is still there.",
    "Referens: {ref}.": "Reference: {ref}.",
    "Databasen svarar inte just nu. Dina roller från förra kontrollen gäller; det du sparar kan misslyckas, och "
    "sidan säger i så fall till.": "The database does not answer at the moment. Your roles from the last check "
    "still apply; what you save may fail, and the page will say so.",
    # Administration (dashboard/pages/admin.py)
    "Administration": "Administration",
    "Roller": "Roles",
    "En rad i rolltabellen bestämmer personens roller och organisation från nästa klick. Utan rad gäller det "
    "inloggningstjänsten anger (samsyn_roles, samsyn_org). En rad utan roller stänger personen ute.":
        "A row in the role table decides the person's roles and organisation from their next click. Without a row, "
        "what the identity provider says applies (samsyn_roles, samsyn_org). A row without roles locks the person out.",
    "Person": "Person",
    "Ny person": "New person",
    "Dataset: ägare och delning": "Datasets: owner and sharing",
    "Bara administratören får öppna den här sidan.": "Only the administrator may open this page.",
    "Rolltabellen är tom: alla har de roller inloggningstjänsten anger.":
        "The role table is empty: everyone has the roles the identity provider gives.",
    "Identitet (e-post eller id hos inloggningstjänsten)": "Identity (e-mail or id at the identity provider)",
    "Organisation (t.ex. polisen eller kommunen; tomt = enligt rollen)":
        "Organisation (e.g. polisen or kommunen; empty = as the role implies)",
    "Spara roller": "Save roles",
    "Ta bort raden för": "Remove the row of",
    "Ta bort raden": "Remove the row",
    "inga roller (utestängd)": "no roles (locked out)",
    "ingen (utestängd)": "none (locked out)",
    "enligt rollen": "as the role implies",
    "Ägare": "Owner",
    "Delning": "Sharing",
    "Spara delning": "Save sharing",
    "(ingen ägare)": "(no owner)",
    "Annan organisation …": "Another organisation …",
    "egen": "own", "gemensam": "joint", "styrgrupp/offentlig": "steering group/public",
    "Annan organisation (id, t.ex. räddningstjänsten)": "Another organisation (id, e.g. räddningstjänsten)",
    "Skriv den andra organisationens id.": "Type the other organisation's id.",
    "Identitet": "Identity",
    "Ändrad av": "Changed by",
    "Ändrad": "Changed",
    "Sparat: {identity} har {roles}, organisation {organisation}. Det gäller från personens nästa klick.":
        "Saved: {identity} has {roles}, organisation {organisation}. It applies from the person's next click.",
    "{name}: ägs av {owner}, delas {level} (inbyggt, går inte att ändra).":
        "{name}: owned by {owner}, shared {level} (built in, cannot be changed).",
    "Raden för {identity} är borttagen; från personens nästa klick gäller det inloggningstjänsten anger.":
        "The row of {identity} is removed; from the person's next click what the identity provider says applies.",
    "Sparat: {name} ägs av {owner} och delas {level}.": "Saved: {name} is owned by {owner} and shared {level}.",
    "Datasetet {dataset} har inga händelser ännu; visar {name}.":
        "The dataset {dataset} has no incidents yet; showing {name}.",
    "Datasetet har inga händelser ännu – läs in en händelsefil först.":
        "The dataset has no incidents yet – load an incident file first.",
    "Ta bort dataset": "Remove dataset",
    "Datasetets filer raderas: händelserna och lagren går inte att få tillbaka. Problembildens platser, åtgärder, "
    "mål och ändringslogg finns kvar, men räknas inte längre på datasetet.":
        "The dataset's files are deleted: the incidents and layers cannot be recovered. The problem picture's "
        "places, measures, goals and change log remain, but are no longer counted on this dataset.",
    "Ja, ta bort": "Yes, remove", "Ta bort": "Remove",
    # Data page: the import a person can follow (engineer F)
    "**Felaktiga rader**": "**Invalid rows**", "Rad": "Row", "Kolumn": "Column", "Vad är fel": "What is wrong",
    "och {n} rader till": "and {n} more rows",
    "Ladda ner alla avvisade rader med orsak (CSV)": "Download all rejected rows with reasons (CSV)",
    "Mallar: kolumnerna Samsyn läser utan val": "Templates: the columns Samsyn reads without any choices",
    "En rad med exempel. Fyll i dina händelser i samma kolumner; då känner Samsyn igen allt.":
        "One example row. Fill in your incidents in the same columns and Samsyn recognises everything.",
    "Mall som CSV": "Template as CSV", "Mall som Excel (xlsx)": "Template as Excel (xlsx)",
    "kolumnen blandar dag/månad/år och månad/dag/år; en kolumn läses med ett enda format":
        "the column mixes day/month/year and month/day/year; a column is read with one format",
    "datumen kan läsas både som dag/månad/år och som månad/dag/år, så Samsyn gissar inte":
        "the dates read both as day/month/year and as month/day/year, so Samsyn does not guess",
    "t.ex.": "e.g.", "Kontrollerar filen …": "Checking the file …", "Kontrollen är klar": "Check complete",
    "Datumformatet behöver väljas": "The date format must be chosen", "Filen kan inte läsas in": "The file cannot be loaded",
    "Avbryt": "Cancel", "Innehåll": "Contents", "Importrapport": "Import report", "Sparat": "Saved",
    "Koordinatsystem": "Coordinate system", "(gissa ur värdena)": "(guess from the values)",
    "Hoppa över felaktiga rader": "Skip invalid rows",
    "De giltiga raderna sparas; de felaktiga kan laddas ner med orsak.":
        "The valid rows are saved; the invalid ones can be downloaded with their reasons.",
    "Rätta filen, eller kryssa i Hoppa över felaktiga rader för att spara de giltiga raderna (de felaktiga kan du "
    "ladda ner med orsak).":
        "Correct the file, or tick Skip invalid rows to save the valid rows (the invalid ones can be downloaded "
        "with their reasons).",
    "Välj koordinatsystem i listan Koordinatsystem och tryck Kontrollera igen.":
        "Choose the coordinate system in the Coordinate system list and press Check again.",
    "Välj koordinatsystem i listan Koordinatsystem för att vara säker.":
        "Choose the coordinate system in the Coordinate system list to be sure.",
    "under Koordinatsystem": "under Coordinate system",
    "Välj hur datumen ska läsas i listan Datumformat och tryck Kontrollera igen.":
        "Choose how the dates are to be read in the Date format list and press Check again.",
    "Välj kolumnen i listan Brottstyp / kategori.": "Choose the column in the Offence / category list.",
    "Byt namnen i filen mot projektets kategorier (se mallen) eller välj rätt kolumn i listan Brottstyp / kategori.":
        "Replace the names in the file by the project's categories (see the template) or choose the right column in "
        "the Offence / category list.",
    "Välj kolumnen i listan Datum och tid, Datum eller Brottstidpunkt från.":
        "Choose the column in the Date and time, Date or Time from list.",
    "Välj också kolumnen i listan Datum och tid, Datum eller Brottstidpunkt från.":
        "Also choose the column in the Date and time, Date or Time from list.",
    "Välj kolumnerna i listorna X / östlig koordinat och Y / nordlig koordinat, eller Latitud och Longitud.":
        "Choose the columns in the X / easting and Y / northing lists, or Latitude and Longitude.",
    "Välj också kolumnen för {label} bland kolumnerna.": "Also choose the column for {label} among the columns.",
    "Välj Källa för hela filen, t.ex. polis.": "Choose Source for the whole file, e.g. polis.",
    "Läser fil …": "Reading the file …", "Koordinater …": "Coordinates …", "Tolkar datum …": "Reading dates …",
    "Anonymiserar …": "Anonymising …", "Skriver …": "Writing …", "Sparades inte": "Not saved",
    "Blad (namn eller nummer, tomt = det första)": "Sheet (name or number, empty = the first)",
    "Rubrikrad (0 = hitta själv)": "Header row (0 = find it)",
    "Lager (tomt = det enda)": "Layer (empty = the only one)",
    "Annat koordinatsystem (EPSG-kod)": "Other coordinate system (EPSG code)",
    "Enhet för hela filen": "Unit for the whole file", "Riktning": "Direction",
    # The import report's own labels (geo.importer.ImportReport.lines(label=t))
    "kolumn": "column", "rad": "row", "och {n} till": "and {n} more",
    "Dessutom har {n} andra rader andra fel.": "Another {n} rows have other errors.",
    "kolumnen innehåller något som ser ut som personnummer. Filen importeras inte: personuppgifter får inte lämna "
    "importen. Ta bort eller ersätt värdena och försök igen.":
        "the column holds something that looks like a personal identity number. The file is not imported: "
        "personal data must not leave the import. Remove or replace the values and try again.",
    "Rader lästa": "Rows read", "Tomma rader hoppades över": "Empty rows skipped", "Rader skrivna": "Rows written",
    "Rader avvisade": "Rows rejected", "Kolumner som används:": "Columns used:",
    "Kolumner som tas bort (sparas inte)": "Columns removed (not saved)",
    "Kolumner som tas bort: inga": "Columns removed: none", "Datumformat:": "Date formats:",
    "Koordinatsystem i filen": "Coordinate system of the file", "Arbets-koordinatsystem": "Working coordinate system",
    "Varningar:": "Warnings:", "Sparad": "Saved",
    "x (östlig)": "x (easting)", "y (nordlig)": "y (northing)", "latitud": "latitude", "longitud": "longitude",
    "position": "position", "datum och tid": "date and time", "datum": "date", "klockslag": "time of day",
    "timme": "hour", "minut": "minute", "år": "year", "månad": "month", "dag": "day", "tid från": "time from",
    "datum från": "date from", "klockslag från": "time of day from", "tid till": "time to", "datum till": "date to",
    "klockslag till": "time of day to", "kategori": "category", "id": "id", "källa": "source",
    "platstyp": "place type",
    "(ur filen eller gissad)": "(from the file or guessed)", "andel 0–1": "share 0–1",
    "procent 0–100": "per cent 0–100", "index 0–6": "index 0–6",
    "(ur filen, annars lägre är bättre)": "(from the file, else lower is better)",
    "Välj Enhet för hela filen för att vara säker.": "Choose Unit for the whole file to be sure.",
    "Välj Riktning, t.ex. högre är bättre för andel trygga.":
        "Choose Direction, e.g. higher is better for the share who feel safe.",
    "Kontrollera valet i listan Koordinatsystem.": "Check the choice in the Coordinate system list.",
    "Skriv bladets namn eller nummer (från 1) i rutan Blad.": "Write the sheet's name or number (from 1) in the Sheet box.",
    "Skriv vilket i rutan Lager.": "Write which one in the Layer box.",
    "Sidan Data arbetar i Sveriges koordinatsystem; läs in en fil från ett annat område på kommandoraden: samsyn "
    "import --work-crs {zone}.":
        "The Data page works in Sweden's coordinate system; load a file from another area on the command line: "
        "samsyn import --work-crs {zone}.",
    "Välj dem i listorna X / östlig koordinat och Y / nordlig koordinat.":
        "Choose them in the X / easting and Y / northing lists.",
    "Spara filen med {delimiter_name} som avgränsare på varje rad och ladda upp den igen.":
        "Save the file with {delimiter_name} as the separator on every line and upload it again.",
    # The importer's reasons for a bad row, as the bad-rows table shows them
    "datum/tid kan inte tolkas (skriv t.ex. 2024-03-05 14:30)": "date/time cannot be read (write e.g. 2024-03-05 14:30)",
    "datum/tid saknas": "date/time missing",
    "datumet kan inte tolkas (skriv t.ex. 2024-03-05)": "the date cannot be read (write e.g. 2024-03-05)",
    "datum saknas": "date missing",
    "året är inte ett årtal": "the year is not a year",
    "månaden är inte 1–12": "the month is not 1–12",
    "dagen är inte 1–31": "the day is not 1–31",
    "datumet finns inte (t.ex. 30 februari)": "the date does not exist (e.g. 30 February)",
    "klockslaget kan inte tolkas (skriv t.ex. 14:30)": "the time of day cannot be read (write e.g. 14:30)",
    "timmen är inte 0–23": "the hour is not 0–23",
    "minuten är inte 0–59": "the minute is not 0–59",
    "sluttiden (till) är före starttiden (från)": "the end time (to) is before the start time (from)",
    "geometrin saknas eller är tom": "the geometry is missing or empty",
    "geometrin är inte en punkt": "the geometry is not a point",
    "geometrin är ogiltig (koordinaterna är inte tal)": "the geometry is invalid (the coordinates are not numbers)",
    "koordinaten är inte ett tal": "the coordinate is not a number",
    "koordinat saknas": "coordinate missing",
    "X och Y är 0 (positionen saknas eller är skyddad)": "X and Y are 0 (the position is missing or protected)",
    "punkten ligger utanför Sverige": "the point lies outside Sweden",
    "händelsetiden kan inte tolkas": "the event time cannot be read",
    "innehåller något som ser ut som personnummer (värdet är borttaget)": "holds something that looks like a personal identity number (the value is removed)",
    "områdeslager": "area layer", "platser": "places", "gator": "streets", "bakgrund": "background",
    "trygghetsmätning": "safety survey",
    '95 % konfidensintervall': '95 % confidence interval',
    'Allmänheten (små tal döljs, fritext bara om delbar)': 'The public (small counts hidden, free text only if shareable)',
    'Ansvarig': 'Responsible',
    'Ansvarig organisation': 'Responsible organisation',
    'Ansvarig person/funktion': 'Responsible person/role',
    'Arbeta med platsen': 'Work on the place',
    'Arkivera': 'Archive',
    'Arkivera platsen': 'Archive the place',
    'Basperiod': 'Baseline period',
    'Beskrivning': 'Description',
    'Datasetet har inget områdeslager att välja jämförelseområde ur.': 'The dataset has no area layer to choose a comparison area from.',
    'Ditt namn (för ändringsloggen)': 'Your name (for the change log)',
    'Då (vid fästning)': 'Then (when pinned)',
    'Effekt': 'Effect',
    'Effektmål:': 'Effect goals:',
    'Efter': 'After',
    'Enhet': 'Unit',
    'Fäst av': 'Pinned by',
    'Fäst rutan': 'Pin the cell',
    'Får delas utanför rummet': 'May be shared outside the room',
    'Före': 'Before',
    'Förslag från data': 'Suggestions from the data',
    'Gemensam problembild': 'Joint problem picture',
    'Historik': 'History',
    'Hypotes': 'Hypothesis',
    'Inga mål är kopplade till åtgärden.': 'No goals are linked to the measure.',
    'Inga platser är fästa ännu. Fäst platser från Kartan, eller från förslagen nedan.': 'No places are pinned yet. Pin places from the Map, or from the suggestions below.',
    'Inga åtgärder är beslutade ännu. Lägg till åtgärder och mål på sidan Problembild.': 'No measures have been decided yet. Add measures and goals on the Problem picture page.',
    'Ja, arkivera': 'Yes, archive',
    'Jämförelseområde': 'Comparison area',
    'Jämförelseområde och perioder': 'Comparison area and periods',
    'Jämförelseområdet': 'The comparison area',
    'Klicka på ett område på kartan för att välja det som jämförelseområde: likt målområdet, utan åtgärden och inte granne med det.': 'Click a district on the map to choose it as comparison area: similar to the target, without the measure and not next to it.',
    'Lägg till mål': 'Add goal',
    'Lägg till orsak': 'Add cause',
    'Lägg till åtgärd': 'Add measure',
    'Läs in senaste versionen': 'Load the latest version',
    'Mot året innan (%)': 'On the year before (%)',
    'Mottagare': 'Audience',
    'Mål': 'Goal',
    'Mål (förändring i %)': 'Target (change in %)',
    'Målet är sparat.': 'The goal is saved.',
    'Målområdet': 'The target area',
    'Måltyp': 'Goal type',
    'Nu': 'Now',
    'Ny åtgärd': 'New measure',
    'Nytt mål': 'New goal',
    'Område runt omkring (m) för undanträngning': 'Surrounding ring (m) for displacement',
    'Området runt omkring': 'The surrounding area',
    'Orsak': 'Cause',
    'Orsaken är sparad.': 'The cause is saved.',
    'Orsaksanalys': 'Cause analysis',
    'Parterna (intern)': 'The parties (internal)',
    'Period då': 'Period then',
    'Perspektiv': 'Perspective',
    'Planerat': 'Planned',
    'Platsen flyttas till arkivet med sina orsaker och mål; inget raderas.': 'The place moves to the archive with its causes and goals; nothing is deleted.',
    'Platsen är arkiverad.': 'The place is archived.',
    'Platser': 'Places',
    'Platserna är sammanslagna.': 'The places are merged.',
    'Polisens och kommunens egna, sida vid sida': "The police's and the kommun's own, side by side",
    'Process- och produktionsmål:': 'Process and production goals:',
    'Rapport till styrgruppen': 'Report to the steering group',
    'Rubrik för den sammanslagna platsen': 'Title of the merged place',
    'Skapa rapport': 'Create report',
    'Skapar rapporten …': 'Creating the report …',
    'Skattad effekt (WDD)': 'Estimated effect (WDD)',
    'Skriv ditt namn överst på sidan innan du sparar.': 'Enter your name at the top of the page before saving.',
    'Slut': 'End',
    'Slut (valfritt)': 'End (optional)',
    'Slå ihop': 'Merge',
    'Slå ihop platser': 'Merge places',
    'Slå ihop platserna': 'Merge the places',
    'Spara uppföljningen': 'Save the follow-up',
    'Spara ändringar': 'Save changes',
    'Start': 'Start',
    'Trygghet i området': 'Safety survey in the area',
    'Typ': 'Type',
    'Uppföljning': 'Follow-up',
    'Uppföljningen är sparad.': 'The follow-up is saved.',
    'Uppföljningsperiod (valfritt)': 'Follow-up period (optional)',
    'Utfört': 'Done',
    'Spara utfört': 'Save progress',
    'Vid fästningen': 'When pinned',
    "Räknas": "Counts", "Flest händelser nu": "Busiest time now", "händelser": "incidents",
    "året innan": "the year before", "flest": "busiest",
    "Ökning, större än slumpen": "Increase, beyond chance", "Minskning, större än slumpen": "Decrease, beyond chance",
    "Inom normal slumpvariation": "Within normal random variation",
    "Kontroll för området runt omkring": "Comparison area for the surrounding area",
    "Så räknas en plats: händelserna inom ytan (kanten räknas med); en punkt eller gata räknas med {m} m åt "
    "varje håll; platsens brottstyper, veckodagar och timmar (efter tidsfönstrets start). Nu gäller perioden "
    "i sidofältet; rapporten räknar på samma sätt.":
        "How a place is counted: the incidents inside the area (its edge included); a point or street counts "
        "{m} m on every side; the place's offence types, weekdays and hours (by the start of the time window). "
        "Now is the period in the sidebar; the report counts the same way.",
    'Visa': 'Show',
    'Välj minst två platser att slå ihop.': 'Choose at least two places to merge.',
    'pågår': 'ongoing',
    't.ex. misshandel utomhus i centrum −20 % jämfört med samma period föregående år': 'e.g. assault outdoors in the centre −20 % on the same period last year',
    'Får delas med den andra parten': 'May be shared with the other party',
    'Ändringar av ägare och delning:': 'Changes of owner and sharing:',
    'Beskrivningen följer med när problembilden exporteras till den andra parten. Utan markering stannar den i '
    'rummet; åtgärdens titel följer alltid med.':
        'The description goes with the problem picture when it is exported for the other party. Unmarked, it '
        'stays in the room; the measure\'s title always goes.',
    't.ex. trygghetsvandringar': 'e.g. safety walks',
    'Ändra': 'Edit',
    'Ändringarna är sparade.': 'The changes are saved.',
    'Åtgärd': 'Measure',
    'Åtgärden startar': 'The measure starts',
    'Åtgärden är sparad.': 'The measure is saved.',
    'Åtgärder och mål': 'Measures and goals',
    # What is missing from a dataset, and where to add it; and the message for an unexpected failure.
    "Datasetet har inget områdeslager. Lägg till ett områdeslager på sidan Data för att se antal, invånartal och "
    "förändring per område.":
        "The dataset has no district layer. Add a district layer on the Data page to see counts, rates per "
        "inhabitant and change by district.",
    "Datasetet har inga namngivna platser. Lägg till ett lager med namngivna platser på sidan Data.":
        "The dataset has no named places. Add a layer of named places on the Data page.",
    "Ingen trygghetsmätning är inläst. Lägg till en trygghetsmätning på sidan Data.":
        "No safety survey is loaded. Add a safety survey on the Data page.",
    "Jämförelsen med anmälda brott per område behöver ett områdeslager. Lägg till ett områdeslager på sidan Data.":
        "The comparison with reported crime by district needs a district layer. Add a district layer on the "
        "Data page.",
    "Datasetet har inga händelser med position att visa på kartan. Läs in en händelsefil på sidan Data.":
        "The dataset has no incidents with a position to show on the map. Load an incident file on the Data page.",
    "Datasetet har inget områdeslager att välja jämförelseområde ur. Lägg till ett områdeslager på sidan Data.":
        "The dataset has no district layer to choose a comparison area from. Add a district layer on the Data "
        "page.",
    "Något gick fel när sidan skulle visas. Försök igen, eller ändra filtren. Om det händer igen: kontakta den som "
    "driver Samsyn och uppge referensen {ref}.":
        "Something went wrong while showing the page. Try again, or change the filters. If it happens again, "
        "contact whoever runs Samsyn and give the reference {ref}.",
    "Datasetet {dataset} kunde inte läsas: en av dess filer är skadad eller har fel format. Välj ett annat "
    "dataset på sidan Data eller ladda upp filen igen. Så länge visas {name}. Om det händer igen: kontakta den "
    "som driver Samsyn och uppge referensen {ref}.":
        "The dataset {dataset} could not be read: one of its files is damaged or in the wrong format. Choose "
        "another dataset on the Data page or upload the file again. Meanwhile {name} is shown. If it happens "
        "again, contact whoever runs Samsyn and give the reference {ref}.",
    'Situationell': 'Situational',
    'Brottsoffer': 'Victim',
    'Gärningsperson': 'Offender',
    'närliggande orsak': 'proximate cause',
    'avlägsen orsak': 'distant cause',
    "Fäst i problembilden": "Pin to the problem picture", "Rubrik": "Title", "Brottstyper": "Offence types",
    "Veckodagar": "Weekdays", "Organisation": "Organisation", "Ditt namn": "Your name",
    "Problembild": "Problem picture", "Polisens egen": "The police's own", "Kommunens egen": "The kommun's own",
    "Gemensam": "Joint", "Prioritet": "Priority", "Status": "Status", "Anteckningar": "Notes", "Fäst": "Pin",
    "Händelser som fäst plats": "Incidents as a pinned place",
    "Så räknar Problembild platsen (Nu): {counted}.": "How Problem picture counts the place (Now): {counted}.",
    "Räknat med filtren i sidopanelen; den fästa platsen räknas med sina egna brottstyper, veckodagar och timmar "
    "(se nedan).": "Counted with the filters in the sidebar; the pinned place counts its own categories, weekdays and "
    "hours (see below).",
    "Skriv ditt namn, så att alla ser vem som fäste platsen.": "Enter your name, so everyone sees who pinned it.",
    "Fäst i problembilden som": "Pinned to the problem picture as",
    "mot": "compared with", "osäkert": "uncertain",
    "Linjerna delar vid medianerna. Uppe till höger: hög otrygghet och många brott.":
        "Lines split at the medians. Top right: high insecurity and many crimes.",
    # Disclosure control (dashboard/components/disclosure.py)
    "Antalen är för få för att visas på den här visningsnivån (visas som ”..”).":
        "The counts are too small to be shown at this view level (shown as “..”).",
    "Platser med färre än {k} händelser visas inte på den här visningsnivån.":
        "Places with fewer than {k} incidents are not shown at this view level.",
    "Enskilda händelser visas inte på den här visningsnivån.": "Individual incidents are not shown at this view level.",
    "Platsen har färre än {k} händelser med filtren och visas inte var för sig på den här visningsnivån.":
        "The place has fewer than {k} incidents with these filters and is not shown on its own at this view level.",
    "Områden som inte visas på den här visningsnivån, för att de har för få händelser (antalet kan räknas fram ur "
    "invånartalet): {n}.":
        "Districts not shown at this view level because they have too few incidents (the count could be worked "
        "out from the population): {n}.",
    # Styrgrupp (dashboard/pages/steering.py) and Uppföljning's comparison area
    "Styrgrupp": "Steering group",
    "Föregående": "Previous",
    "Nästa": "Next",
    "Skriv ut": "Print",
    "Tillbaka till visningen": "Back to the view",
    "Bläddra med piltangenterna ← →.": "Page through with the arrow keys ← →.",
    "Åtgärd {number} av {count}": "Measure {number} of {count}",
    "Vad som gjorts": "What was done",
    "Genomförande": "Progress",
    "Trygghet i området {first}–{last}": "Safety in the area {first}–{last}",
    "Jämförelseområdet ändras från {old} till {new} – spara för att ändra.":
        "The comparison area changes from {old} to {new} – save to change it.",
    "Ja, byt jämförelseområde från {old} till {new}": "Yes, change the comparison area from {old} to {new}",
    "Kryssa i att jämförelseområdet ska bytas, eller välj {old} igen.":
        "Tick that the comparison area is to change, or choose {old} again.",
    "Sparat jämförelseområde: {name}": "Saved comparison area: {name}",
    "{name} (sparat område)": "{name} (saved area)",
    "från {start}": "from {start}",
}

WEEKDAYS_SV = ("mån", "tis", "ons", "tors", "fre", "lör", "sön")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def english() -> bool:
    """Tell whether the English switch is on."""
    return bool(st.session_state.get("english", False))


def lang() -> str:
    """The user's language as :mod:`core.formatting` and the analysis sentences take it: ``"sv"`` or ``"en"``."""
    return "en" if english() else "sv"


def t(text: str) -> str:
    """The text in the user's language."""
    return ENGLISH.get(text, text) if english() else text


def weekday_names() -> tuple[str, ...]:
    """Short weekday names, Monday first, in the user's language."""
    return WEEKDAYS_EN if english() else WEEKDAYS_SV


def fmt_change(change_pct: float, against: str | None = None) -> str:
    """A change in per cent for ``st.metric``'s delta: ``-25 % mot mars 2024`` / ``-25% compared with Mar 2024``.

    The minus is the ASCII hyphen here, not U+2212: Streamlit reads a delta starting with
    "-" as a fall and draws the arrow down.
    """
    text = formatting.change_percent(change_pct / 100, lang=lang()).replace("\u2212", "-")
    return f"{text} {t('mot')} {against}" if against else text


def change_delta(change: Mapping[str, Any], against: str | None = None) -> dict[str, Any]:
    """``st.metric`` keyword arguments for a row of :func:`analysis.change.same_period_last_year`.

    The delta is coloured only when the Poisson test supports a change (p < 0.05): red for an
    increase, green for a decrease. A change within normal random variation is grey, and one that
    rounds to ±0 % has no arrow, so the colour never claims more than the test does. No delta when
    the earlier period had no incidents.
    """
    if not change["before"]:
        return {"delta": None}
    text = fmt_change(change["change_pct"], against)
    flat = text.startswith("±")
    significant = bool(change["p_value"] < 0.05) and not flat
    return {"delta": text, "delta_color": "inverse" if significant else "off",
            "delta_arrow": "off" if flat else "auto"}


def fmt_area_value(value: float, metric: str) -> str:
    """A district's value as the map labels it: ``412``, ``35 per 1 000`` (``35 per 1,000``) or ``−25 %`` (``-25%``).

    ``metric`` is ``"count"``, ``"rate"`` (per 1 000 inhabitants) or ``"change"`` (per cent).
    """
    if not math.isfinite(value):
        return "–"
    if metric == "change":
        return formatting.change_percent(value / 100, lang=lang())
    text = formatting.number(value, lang=lang())
    return f"{text} per {formatting.number(1000, lang=lang())}" if metric == "rate" else text


def fmt_int(value: float) -> str:
    """A whole number with the language's digit grouping: 13 664 (a no-break space) or 13,664."""
    return formatting.number(int(round(value)), lang=lang())
