"""The README of the generated sample (Swedish, for the analysts who open the folder)."""

from __future__ import annotations

import pandas as pd

from exempelstad import incidents as inc
from exempelstad import town_map as m


def _n(value: float) -> str:
    """A whole number with Swedish thousands spacing: 40 681."""
    return f"{int(round(float(value))):,}".replace(",", "\u00a0")


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def readme(truth: dict, incidents: pd.DataFrame, survey: pd.DataFrame, costs: pd.DataFrame) -> str:
    """Markdown describing the files, the fictional town and every planted pattern."""
    seed, scale = truth["seed"], truth["scale"]
    iv = truth["intervention"]
    obs = iv["observed"]
    by_source = incidents["source"].astype(str).value_counts().sort_index()
    districts = _table(
        ["area_id", "namn", "kommundel", "invånare"],
        [[d.area_id, d.name, d.parent, _n(d.population)] for d in m.DISTRICTS],
    )
    hotspots = _table(
        ["plats", "x", "y", "radie (m)", "kategorier", "tider (ISO-veckodag, timme)", "antal"],
        [[h["name"], h["x"], h["y"], h["radius_m"], ", ".join(h["categories"]),
          f"{h['weekdays']} kl {h['hours']} ({'aoristiskt' if h['time_basis'] == 'aoristic' else 'starttid'})",
          h["n_planted"]] for h in truth["hotspots"]],
    )
    sources = _table(["källa", "antal"], [[k, v] for k, v in by_source.items()])
    burglary = _table(
        ["typ", "andel", "start", "fönster (timmar)"],
        [[t["label"], f"{t['share']:.0%}", f"veckodag {t['start_weekdays']} kl {t['start_hours']}",
          f"{t['window_hours'][0]}–{t['window_hours'][1]}"] for t in truth["burglary_windows"]["types"]],
    )
    return f"""# Exempelstad (fiktiv ort) – exempeldata för Samsyn

**Exempelstad är en påhittad ort.** Den bygger på räkneexemplet i Brås handbok
*Samverkan i lokalt brottsförebyggande arbete* (s. 22–28): kommundel A med
centrum (gatorna D och E, krogarna F, G och H, busstorget och snabbmatstället I),
fritidsgården J med ungdomsdisco på torsdagar, bostadsområdet K (gatorna L och M),
parkeringsplats N och kommundel B. Alla händelser, platser, namn och
enkätsvar är syntetiska. Orten ligger på låtsas i inlandet i Södermanland
(SWEREF 99 TM, EPSG:3006, kring E {_n(m.ORIGIN[0])}, N {_n(m.ORIGIN[1])}) och är
ungefär 7 × 7 km. Volymerna är medvetet höga så att mönstren syns tydligt i
analyserna.

Genererad med frö (seed) {seed} och skala {scale:g}: {_n(truth['n_incidents'])} händelser
2023-01-01–2025-12-31.

## Filer
| fil | innehåll |
|---|---|
| `incidents.parquet` | händelser i GeoParquet (kolumnerna id, category, occurred_from, occurred_to, x, y, source, place_type; lokal svensk tid utan tidszon; occurred_to tom = exakt tidpunkt) |
| `districts.geojson` | {len(m.DISTRICTS)} stadsdelar (area_id, name, population, parent = Kommundel A/B) som täcker orten utan glapp eller överlapp |
| `places.geojson` | namngivna mikroplatser (area_id, name, kind, radius_m för punkter, parent = stadsdel): torg, hållplats, krogar, snabbmat, fritidsgård, skolor, parkering, park, butiker |
| `streets.geojson` | namngivna gatusegment (area_id, name, kind) bl.a. gata D, E, L och M |
| `background.geojson` | bakgrundskarta som vektordata (layer = street, square, park, water, building_block, railway) så att kartan fungerar utan internet |
| `survey.csv` | trygghetsmätning per stadsdel och år 2023–2025 (index 0–6 från Polisens trygghetsmätning, andelar med n och 95 % Wilson-intervall från Kommunens enkät) |
| `repair_costs.csv` | tekniska förvaltningens kostnader (kr) för klotter och skadegörelse; `id` matchar kommunens händelser i incidents.parquet |
| `truth.json` | facit: de planterade mönstren i maskinläsbar form (används av testerna) |

Händelser per källa:

{sources}

Stadsdelar:

{districts}

## Planterade mönster (facit)
Alla koordinater i SWEREF 99 TM. Veckodagar enligt ISO (1 = måndag … 7 = söndag).

### Våld kring krogarna i centrum (helgnätter)
Misshandel utomhus (källa polis, utomhus) samlas tätt (spridning 35–40 m) kring
krogarna F, G och H, busstorget och snabbmatstället I, **fredag 21–03 och lördag
22–04**, med flest händelser runt stängningsdags. På samma platser och tider
finns också olaga hot, ofredande, berusad person och ordningsstörning.
Inomhus på krogarna finns misshandel inomhus.

### Fritidsgården J (torsdagar 20–01)
Störande ungdomar, misshandel utomhus, ofredande, skadegörelse, klotter och
berusade personer kring fritidsgården J på **torsdagar 20–01** när
ungdomsdiscot har öppet (inte mellan midsommar och mitten av augusti, och inte
runt jul och nyår).

### Inbrott i bostadsområde K (tidsfönster)
Inbrott i bostad ({truth['burglary_windows']['n_planted']['Inbrott i bostad']}) och inbrott i källare/vind
({truth['burglary_windows']['n_planted']['Inbrott i källare/vind']}) runt gatorna L och M i Kvarnbacken har
brottstid från–till. De flesta sker **vardagar 08–17** medan de boende är på
arbetet, så aoristisk viktning ska visa en topp där – inte vid starttiden.
Okänd tid registreras som 00:00–23:59 och ska räknas som ett 24-timmarsfönster,
aldrig som midnatt.

{burglary}

På gatorna L och M finns dessutom misshandel utomhus och olaga hot, mest
fredags- och lördagskvällar.

### Parkeringsplats N (nätter) och stationen
Stöld ur motordrivet fordon, skadegörelse på motorfordon och fordonstillgrepp
på parkeringsplats N nattetid (fönster som börjar 18–23 och slutar på morgonen;
aoristiskt 22–06), plus langning av sprit (brott mot alkohollagstiftningen)
fredag–lördag kväll. Cykelstölder vid busstorget och resecentrum med fönster
vardagar dagtid (pendlarnas cyklar).

### Insatsen vid Stortorget
Den {iv['date']} införs {iv['measures']} vid Stortorget/centrum. Därefter
minskar misshandel utomhus inom målområdet (`target_polygon_wkt` i truth.json,
helt inom stadsdel {iv['district_id']}) med **en fjärdedel**, medan
jämförelseområdet {iv['control_district_id']} (Östra Strand i kommundel B, med
Österby torg) ligger kvar på samma nivå. Utfall i data:

| period | målområdet | jämförelseområdet |
|---|---|---|
| före {iv['before'][0]}–{iv['before'][1]} | {obs['target_before']} | {obs['control_before']} |
| efter {iv['after'][0]}–{iv['after'][1]} | {obs['target_after']} | {obs['control_after']} |
| förändring | {obs['target_change']:+.1%} | {obs['control_change']:+.1%} |

Weighted displacement difference (Wheeler & Ratcliffe 2018, utan
undanträngningsområde): WDD = {obs['wdd']}, SE = {obs['se']:.1f}, z = {obs['z']:.2f}.
Efter insatsen oroar sig de boende i Centrum också något mindre för överfall
och upplever belysningen som bättre i trygghetsmätningen 2025.

### Hot spots att hitta
Varje plats nedan ska ligga inom 150 m från en signifikant het cell (Gi*, 95
eller 99 %) i ett rutnät med 100 m rutor över orten när man tar med de angivna
kategorierna.

{hotspots}

### Kommunens, räddningstjänstens och fastighetsägarnas rapporter
- Kommunen (tekniska förvaltningen): klotter ({int(((incidents['source'] == 'kommun') & (incidents['category'] == 'Klotter')).sum())} st, ökar ~10 % per år) och skadegörelse på
  kommunal egendom längs centrumgatorna, vid skolorna och vid fritidsgården J,
  oftast upptäckta på morgonen (fönster från kvällen före) eller med okänd tid.
  Reparationskostnader i `repair_costs.csv` ({len(costs)} rader, totalt
  {_n(costs['repair_cost_sek'].sum())} kr). Dessutom nedskräpning och felanmäld trasig
  belysning (fler på vintern).
- Räddningstjänsten: bränder, bl.a. återkommande containerbränder kring Sörby
  centrum kvällar och nätter.
- Fastighetsägare (bostadsbolaget): skadegörelse i trapphus, klotter,
  nedskräpning och källarinbrott, mest i Kvarnbacken, Sörby och Östra Strand.
- Trygghetsvandringar: {len(inc.WALKS)} vandringar (april och oktober) med fynd som
  trasig belysning, otrygga platser, nedskräpning och klotter.
- Väktare (källa annan): ordningsstörningar vid Centrumhuset och resecentrum.

### Bakgrund, säsong och trend
Övrig brottslighet fördelas efter befolkning (villaområdena har fler
bostadsinbrott, Verkstadsområdet fler kontorsinbrott) med fler händelser på
sommaren (topp i juli). Bedrägeri ökar ~12 % per år, klotter ~10 % och
ofredande ~6 %; misshandel har ingen trend (utom insatsens effekt).

### Trygghetsmätningen
Indexvärdena (0–6, lägre är bättre) följer stadsdelens händelsetal per invånare
för de frågor de gäller; andelarna har n och 95 % Wilson-intervall. Stadsdelarna
{', '.join(truth['small_n_districts'])} har få svarande (n < 30) – visa dem med
försiktighet.

## Skapa om filerna
```
samsyn sample                      # skriver data/sample/ med frö {seed}
samsyn sample --out /tmp/ex --seed 7 --scale 25   # ~1 miljon händelser
```
Samma frö och skala ger byte-identiska filer. I kod:
`data.sample.paths()` ger sökvägarna och `exempelstad.generate.generate_incidents(seed, scale)`
ger händelserna direkt.
"""
