"""The report's words in English: every Swedish text the report prints, mapped to its translation.

:func:`tr` looks a Swedish text up for ``lang="en"`` and returns it unchanged for ``"sv"``, so the
Swedish report reads as it always has and the English one is the same document word for word.
Texts with placeholders (``{count}``) are formatted after the lookup; numbers and dates in them
come from :mod:`core.formatting`. Brå's category names and the parties' own free text (titles,
descriptions, causes) are not translated.

Examples
--------
>>> tr("Lägesbild", "en"), tr("Lägesbild", "sv")
('Situation report', 'Lägesbild')
>>> term("prioriterad", "en"), term("prioriterad", "sv")
('prioritised', 'prioriterad')
"""

from __future__ import annotations

__all__ = ["ENGLISH", "TERMS_EN", "term", "tr"]

# The store's fixed values (store.model): statuses, kinds, perspectives, organisations.
TERMS_EN: dict[str, str] = {
    "förslag": "proposed", "prioriterad": "prioritised", "åtgärdad": "addressed", "avslutad": "closed",
    "planerad": "planned", "pågår": "ongoing", "genomförd": "completed", "avbruten": "cancelled",
    "situationell": "situational", "social": "social", "brottsoffer": "victim", "gärningsperson": "offender",
    "närliggande": "proximate", "avlägsen": "distant",
    "effektmål": "impact goal", "processmål": "process goal", "produktionsmål": "output goal",
    "polis": "police", "kommun": "municipality", "annan": "other", "gemensam": "joint",
    "grön": "green", "gul": "yellow", "röd": "red", "grå": "grey",
}

ENGLISH: dict[str, str] = {
    # title page
    "Polisen": "The police",
    "Kommunen": "The municipality",
    "Annan part": "Other party",
    "Intern version för parternas arbetsgrupp och styrgrupp.":
        "Internal version for the parties' working group and steering group.",
    "Offentlig version: antal under 3 visas som ”..”, fritext som inte är markerad som delbar är borttagen och "
    "inga enskilda händelser visas.":
        "Public version: counts below 3 are shown as “..”, free text not marked as shareable is removed and no "
        "individual incidents are shown.",
    "Dokumentet kan utgöra underlag för lägesbild och åtgärdsplan enligt lag (2023:196) om kommuners ansvar för "
    "brottsförebyggande arbete.":
        "The document can serve as the basis of the situation report (lägesbild) and action plan (åtgärdsplan) "
        "under the Swedish act (2023:196) on municipalities' responsibility for crime prevention.",
    "Exempeldata – fiktiv ort": "Sample data – fictional town",
    "Gemensam problembild och åtgärdsplan": "Joint problem picture and action plan",
    "Kommunens och polisens gemensamma problembild, analys, åtgärder, mål och uppföljning":
        "The municipality's and the police's joint problem picture, analysis, measures, goals and follow-up",
    "Parter": "Parties",
    "Datum": "Date",
    "Data": "Data",
    "Lägesbildens period": "Period of the situation report",
    "Version": "Version",
    "{version}, skapad {when} med Samsyn": "{version}, created {when} with Samsyn",
    # summary
    "Sammanfattning": "Summary",
    "utpekad plats": "pinned place",
    "utpekade platser": "pinned places",
    "åtgärd": "measure",
    "åtgärder": "measures",
    "mål": "goal",
    "mål_många": "goals",
    "Problembilden har {places}, {measures} och {goals}. Lägesbilden avser {period}.":
        "The problem picture has {places}, {measures} and {goals}. The situation report covers {period}.",
    "Totalt": "Total",
    "Status": "Status",
    "Prioritet 1 (högst)": "Priority 1 (highest)",
    "Prioritet 2": "Priority 2",
    "Prioritet 3": "Priority 3",
    "Utpekade platser efter status och prioritet": "Pinned places by status and priority",
    "Antal åtgärder": "Number of measures",
    "Åtgärder efter status": "Measures by status",
    "Typ": "Type",
    "Mål": "Goal",
    "Status och osäkerhet": "Status and uncertainty",
    "Målen med trafikljus: grön = uppnått, gul = på väg men osäkert, röd = fel håll, grå = ännu inte mätbart":
        "The goals as traffic lights: green = reached, yellow = on the way but uncertain, red = wrong way, "
        "grey = not measurable yet",
    # situation
    "Lägesbild": "Situation report",
    "Under {period} registrerades {count} händelser i underlaget. Kartan visar antal händelser per ruta "
    "(250 × 250 m) och de utpekade platserna med nummer.":
        "In {period}, {count} incidents were recorded in the data. The map shows the number of incidents per "
        "cell (250 × 250 m) and the pinned places by number.",
    "Översiktskarta: händelser per ruta {period} och utpekade platser (nummer).":
        "Overview map: incidents per cell, {period}, and the pinned places (numbers).",
    "Karta över orten med stadsdelar, rutor färgade efter antal händelser och numrerade platser.":
        "Map of the town with districts, cells coloured by the number of incidents and numbered places.",
    "Övriga {count} kategorier": "Other {count} categories",
    "Kategori": "Category",
    "Förändring": "Change",
    "Bedömning (Poissontest)": "Assessment (Poisson test)",
    "Antal per kategori {period} jämfört med samma period året innan":
        "Counts per category, {period}, against the same period a year earlier",
    "”Inom slumpvariation” betyder att förändringen är så liten att den lika gärna kan bero på slumpen "
    "(p ≥ {p}).":
        "“Within random variation” means that the change is so small that it may just as well be chance "
        "(p ≥ {p}).",
    "Veckodag och timme {period}, alla kategorier (aoristisk viktning, {count} händelser med för långt "
    "tidsfönster är inte med).":
        "Weekday and hour, {period}, all categories (aoristic weighting; {count} incidents with too long a time "
        "window are left out).",
    "Värmekarta med veckodagar som rader och timmar som kolumner.":
        "Heatmap with weekdays as rows and hours as columns.",
    "Fråga (trygghetsmätning)": "Question (safety survey)",
    "Spann mellan områden": "Range across areas",
    "Områden": "Areas",
    "Trygghetsmätning {year}: andelar per område (se 95 %-intervall i Samsyn)":
        "Safety survey {year}: shares per area (see the 95% intervals in Samsyn)",
    # places
    "Utpekade platser": "Pinned places",
    "Inga platser är utpekade ännu.": "No places are pinned yet.",
    "– (inga händelser året innan)": "– (no incidents the year before)",
    "en ökning större än normal slumpvariation": "an increase larger than normal random variation",
    "en minskning större än normal slumpvariation": "a fall larger than normal random variation",
    "inom normal slumpvariation": "within normal random variation",
    "Period": "Period",
    "Antal händelser": "Incidents",
    "Samma period året innan": "Same period a year earlier",
    "Flest händelser": "Busiest hour",
    "Kategorier": "Categories",
    "Då (när platsen pekades ut)": "Then (when the place was pinned)",
    "Nu": "Now",
    "Siffrorna när platsen pekades ut och i dag": "The numbers when the place was pinned and today",
    "inom {metres} m från den utpekade punkten": "within {metres} m of the pinned point",
    "inom {metres} m från den utpekade gatan": "within {metres} m of the pinned street",
    "inom den utpekade ytan (kanten räknas med)": "inside the pinned area (the edge included)",
    "(orsak dokumenterad; texten delas inte)": "(cause documented; the text is not shared)",
    "Perspektiv": "Perspective",
    "Närliggande orsaker": "Proximate causes",
    "Avlägsna orsaker": "Distant causes",
    "Orsaker per perspektiv: närliggande och avlägsna": "Causes per perspective: proximate and distant",
    "Plats {number}: {title}": "Place {number}: {title}",
    "Organisation": "Organisation",
    "Prioritet": "Priority",
    " (högst)": " (highest)",
    "Problembild": "Problem picture",
    "Räknas": "Counted",
    "Område": "Area",
    "Utpekad": "Pinned",
    "Uppgift": "Item",
    "Värde": "Value",
    "Anteckning: {notes}": "Note: {notes}",
    "Området runt omkring ({metres} m)": "The surrounding area ({metres} m)",
    "Antal per ruta (50 m)": "Count per cell (50 m)",
    "Antal händelser per ruta": "Incidents per cell",
    "Plats {number}: {categories} per ruta om 50 × 50 m, {period}.":
        "Place {number}: {categories} per 50 × 50 m cell, {period}.",
    "Karta över platsen {title}.": "Map of the place {title}.",
    "Plats {number}: veckodag och timme, {categories}, {period}, alla veckodagar och timmar (aoristisk viktning).":
        "Place {number}: weekday and hour, {categories}, {period}, every weekday and hour (aoristic weighting).",
    "Värmekarta över veckodag och timme för {title}.": "Heatmap of weekday and hour for {title}.",
    "Inga händelser med känd tid i platsen {period}; ingen värmekarta över veckodag och timme.":
        "No incidents with a known time at the place in {period}; no weekday and hour heatmap.",
    "Orsaksanalys": "Cause analysis",
    "Ingen orsaksanalys är dokumenterad ännu.": "No cause analysis is documented yet.",
    "Åtgärder och mål": "Measures and goals",
    "Inga åtgärder är kopplade till platsen ännu.": "No measures are linked to the place yet.",
    "alla kategorier": "all categories",
    "tills vidare": "until further notice",
    # plan
    "Åtgärdsplan": "Action plan",
    "Åtgärderna parterna har beslutat, vem som ansvarar och när de genomförs, och målen de följs upp mot.":
        "The measures the parties have decided on, who is responsible and when they are carried out, and the "
        "goals they are followed up against.",
    "Åtgärd": "Measure",
    "Ansvarig": "Responsible",
    "Start–slut": "Start–end",
    "Platser": "Places",
    "Åtgärder": "Measures",
    "Målvärde": "Target",
    "Basperiod": "Baseline period",
    "Utfört av planerat": "Done of planned",
    "{done} av {planned}{unit}": "{done} of {planned}{unit}",
    "Mål (effektmål, processmål och produktionsmål)": "Goals (impact, process and output goals)",
    # follow-up
    "Uppföljning": "Follow-up",
    "Ingen effektuppföljning är planerad ännu.": "No impact follow-up is planned yet.",
    "Effekten skattas med WDD-testet (weighted displacement difference): förändringen i målområdet jämförs med "
    "förändringen i ett jämförelseområde, och området runt omkring undersöks för undanträngning.":
        "The effect is estimated with the WDD test (weighted displacement difference): the change in the target "
        "area is compared with the change in a comparison area, and the surrounding area is examined for "
        "displacement.",
    "Start {start}; räknat: {categories}.": "Start {start}; counted: {categories}.",
    "Före": "Before",
    "Efter": "After",
    "Målområdet": "The target area",
    "Jämförelseområdet": "The comparison area",
    "Kontroll för området runt omkring": "Control for the surrounding area",
    "Före ({period})": "Before ({period})",
    "Efter ({period})": "After ({period})",
    "Förändring*": "Change*",
    "Antal före och efter åtgärden": "Counts before and after the measure",
    "Antalen är för små för att skattningen ska redovisas i den offentliga versionen.":
        "The counts are too small for the estimate to be shown in the public version.",
    "Antalen är för små för att skattningen ska redovisas på den här visningsnivån.":
        "The counts are too small for the estimate to be shown at this view level.",
    "Diagrammet över tid visas inte: några kvartal har för få händelser för den här visningsnivån.":
        "The chart over time is not shown: some quarters have too few incidents for this view level.",
    "Plats {number}: kartan och värmekartan visas inte, {too_few}.":
        "Place {number}: the map and the heatmap are not shown, {too_few}.",
    "Målområdet mot jämförelseområdet: {est} händelser, {p}":
        "Target area against the comparison area: {est} incidents, {p}",
    "Området runt omkring mot sin kontroll: {est} händelser, {p}":
        "Surrounding area against its control: {est} incidents, {p}",
    "Skattad effekt (WDD): {est} händelser per efterperiod": "Estimated effect (WDD): {est} incidents per after period",
    "95 % konfidensintervall: {low} till {high}": "95% confidence interval: {low} to {high}",
    "Standardfel {se}, z = {z}, {p}": "Standard error {se}, z = {z}, {p}",
    "* Förändringen räknas om till lika långa perioder när för- och efterperioden är olika långa.":
        "* The change is rescaled to periods of equal length when the before and after periods differ in length.",
    "kvartal": "quarter",
    "månad": "month",
    "Antal per {unit}": "Count per {unit}",
    "Åtgärden startar": "The measure starts",
    "målområdet, jämförelseområdet och området runt omkring":
        "the target area, the comparison area and the surrounding area",
    "målområdet och jämförelseområdet": "the target area and the comparison area",
    "{title}: antal per {unit} i {areas}; den prickade linjen är åtgärdens start.":
        "{title}: count per {unit} in {areas}; the dotted line is the measure's start.",
    "Linjediagram över antal händelser före och efter åtgärden.":
        "Line chart of the number of incidents before and after the measure.",
    "Målområde saknas: åtgärden är inte kopplad till någon plats.":
        "No target area: the measure is not linked to any place.",
    "Jämförelseområde saknas, så effekten kan inte jämföras.":
        "No comparison area, so the effect cannot be compared.",
    "Jämförelseområdet överlappade målområdet eller området runt omkring; den delen har tagits bort ur "
    "jämförelseområdet så att inga händelser räknas två gånger.":
        "The comparison area overlapped the target area or the surrounding area; that part has been removed "
        "from the comparison area so that no incident is counted twice.",
    "Jämförelseområdet ligger helt inom målområdet eller området runt omkring.":
        "The comparison area lies entirely within the target area or the surrounding area.",
    "Åtgärden saknar startdatum.": "The measure has no start date.",
    "Ännu inte mätbart: åtgärden startar {start} och data finns till {end}.":
        "Not measurable yet: the measure starts {start} and the data reach {end}.",
    # method
    "Metod och osäkerhet": "Method and uncertainty",
}


def tr(text: str, lang: str) -> str:
    """``text`` in ``lang``: itself in Swedish, its translation in English (itself when there is none)."""
    return ENGLISH.get(text, text) if lang == "en" else text


def term(value: str, lang: str) -> str:
    """A fixed value of the store (status, kind, perspective) in ``lang``."""
    return TERMS_EN.get(value, value) if lang == "en" else value
