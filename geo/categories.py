"""The project's category list, grouped like Brå's table (handbook *Samverkan i lokalt brottsförebyggande arbete*, pp. 48–49).

Each category has a Swedish name (the canonical value stored in datasets), the
Brå group it belongs to, an English label for the English UI, and a flag for
*skyddade* categories (serious violence, sexual offences) that must never be
drawn as individual points.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

OTHER = "Övrigt"


@dataclass(frozen=True)
class Category:
    """One incident category of the project's list."""

    name: str
    group: str
    label_en: str
    protected: bool = False


# Group names as in the handbook's table, plus disorder events and the
# kommun's own report types, which the police table does not cover. The police's
# public events add crimes the table leaves out (traffic offences, crimes against
# public order and authority, crimes of public danger) and events that are not
# crimes at all; those sit in groups named "Ej brott: …" so that a filter on
# crimes can leave them out in one click.
GROUP_LIFE = "Brott mot liv och hälsa"
GROUP_PEACE = "Brott mot frihet och frid"
GROUP_SEX = "Sexualbrott"
GROUP_THEFT = "Stöld, rån och andra tillgreppsbrott"
GROUP_FRAUD = "Bedrägeri och annan oredlighet"
GROUP_DAMAGE = "Skadegörelse"
GROUP_DRUGS = "Alkohol- och narkotikabrott"
GROUP_DISORDER = "Ordningsstörningar"
GROUP_MUNICIPAL = "Kommunens och partners rapporter"
GROUP_TRAFFIC_CRIME = "Trafikbrott"
GROUP_PUBLIC_DANGER = "Allmänfarliga brott"
GROUP_AUTHORITY = "Brott mot allmän verksamhet"
GROUP_OTHER_CRIME = "Övriga brott"
GROUP_NONCRIME_TRAFFIC = "Ej brott: trafik"
GROUP_NONCRIME_RESCUE = "Ej brott: brand, olycka och räddning"
GROUP_NONCRIME_POLICE = "Ej brott: övrigt polisarbete"
GROUP_OTHER = "Övrigt"
NON_CRIME_GROUPS: tuple[str, ...] = (GROUP_NONCRIME_TRAFFIC, GROUP_NONCRIME_RESCUE, GROUP_NONCRIME_POLICE)

CATEGORIES: tuple[Category, ...] = (
    Category("Misshandel utomhus", GROUP_LIFE, "Assault outdoors", protected=True),
    Category("Misshandel inomhus", GROUP_LIFE, "Assault indoors", protected=True),
    Category("Övriga liv- och hälsabrott", GROUP_LIFE, "Other crimes against life and health", protected=True),
    Category("Olaga hot", GROUP_PEACE, "Unlawful threat"),
    Category("Ofredande", GROUP_PEACE, "Molestation"),
    Category("Hemfridsbrott, olaga intrång", GROUP_PEACE, "Breach of domestic peace, trespass"),
    Category("Kvinnofridsbrott", GROUP_PEACE, "Gross violation of a woman's integrity", protected=True),
    Category("Våldtäkt utomhus", GROUP_SEX, "Rape outdoors", protected=True),
    Category("Våldtäkt inomhus", GROUP_SEX, "Rape indoors", protected=True),
    Category("Sexuellt ofredande", GROUP_SEX, "Sexual molestation", protected=True),
    Category("Övriga sexualbrott", GROUP_SEX, "Other sexual offences", protected=True),
    Category("Tillgrepp av motordrivet fordon", GROUP_THEFT, "Theft of motor vehicle"),
    Category("Cykelstöld", GROUP_THEFT, "Bicycle theft"),
    Category("Inbrott i bostad", GROUP_THEFT, "Residential burglary"),
    Category("Inbrott i källare/vind", GROUP_THEFT, "Burglary in basement/attic"),
    Category("Inbrott i skola", GROUP_THEFT, "Burglary in school"),
    Category("Stöld ur motordrivet fordon", GROUP_THEFT, "Theft from motor vehicle"),
    Category("Butiksstöld", GROUP_THEFT, "Shoplifting"),
    Category("Inbrott i kontor", GROUP_THEFT, "Burglary in office"),
    Category("Personrån", GROUP_THEFT, "Robbery of a person", protected=True),
    Category("Övriga tillgreppsbrott", GROUP_THEFT, "Other theft"),
    Category("Bedrägeri", GROUP_FRAUD, "Fraud"),
    Category("Skadegörelse på motorfordon", GROUP_DAMAGE, "Damage to motor vehicle"),
    Category("Skadegörelse stat/kommun/region", GROUP_DAMAGE, "Damage to public property"),
    Category("Klotter", GROUP_DAMAGE, "Graffiti"),
    Category("Övrig skadegörelse", GROUP_DAMAGE, "Other criminal damage"),
    Category("Brott mot alkohollagstiftningen", GROUP_DRUGS, "Alcohol law offence"),
    Category("Narkotikabrott, innehav", GROUP_DRUGS, "Drug possession"),
    Category("Narkotikabrott, överlåtelse", GROUP_DRUGS, "Drug dealing"),
    Category("Ordningsstörning", GROUP_DISORDER, "Public disorder"),
    Category("Berusad person", GROUP_DISORDER, "Drunk person"),
    Category("Störande ungdomar", GROUP_DISORDER, "Youths causing disturbance"),
    Category("Buskörning", GROUP_DISORDER, "Reckless driving"),
    Category("Nedskräpning", GROUP_MUNICIPAL, "Littering"),
    # A fire is an event for the rescue service, not a crime (arson is Mordbrand).
    Category("Brand", GROUP_NONCRIME_RESCUE, "Fire"),
    Category("Trasig belysning", GROUP_MUNICIPAL, "Broken lighting"),
    Category("Otrygg plats", GROUP_MUNICIPAL, "Place felt unsafe"),
    # Added for the police's own event types. New categories go here, before Övrigt,
    # so that the codes of the categories above stay what the sample generator uses.
    Category("Skottlossning", GROUP_LIFE, "Shooting", protected=True),
    Category("Olaga frihetsberövande", GROUP_PEACE, "Unlawful deprivation of liberty", protected=True),
    Category("Häleri", GROUP_FRAUD, "Receiving stolen goods"),
    Category("Rattfylleri", GROUP_TRAFFIC_CRIME, "Drunk or drugged driving"),
    Category("Olovlig körning", GROUP_TRAFFIC_CRIME, "Driving without a licence"),
    Category("Övriga trafikbrott", GROUP_TRAFFIC_CRIME, "Other traffic offences"),
    Category("Mordbrand", GROUP_PUBLIC_DANGER, "Arson"),
    Category("Sprängning, detonation", GROUP_PUBLIC_DANGER, "Explosion, detonation"),
    Category("Övriga allmänfarliga brott", GROUP_PUBLIC_DANGER, "Other crimes of public danger"),
    Category("Våld eller hot mot tjänsteman", GROUP_AUTHORITY, "Violence or threat against a public official"),
    Category("Sabotage mot blåljusverksamhet", GROUP_AUTHORITY, "Sabotage against emergency services"),
    Category("Vapen- och knivlagsbrott", GROUP_OTHER_CRIME, "Weapons and knife law offences"),
    Category("Förfalskningsbrott", GROUP_OTHER_CRIME, "Forgery"),
    Category("Ekobrott", GROUP_OTHER_CRIME, "Economic crime"),
    Category("Miljöbrott", GROUP_OTHER_CRIME, "Environmental crime"),
    Category("Hets mot folkgrupp", GROUP_OTHER_CRIME, "Agitation against a population group"),
    Category("Övriga specialstraffrättsliga brott", GROUP_OTHER_CRIME, "Other offences under special laws"),
    Category("Trafikolycka", GROUP_NONCRIME_TRAFFIC, "Traffic accident"),
    Category("Viltolycka", GROUP_NONCRIME_TRAFFIC, "Collision with wildlife"),
    Category("Trafikhinder", GROUP_NONCRIME_TRAFFIC, "Traffic obstruction"),
    Category("Trafikkontroll", GROUP_NONCRIME_TRAFFIC, "Traffic check"),
    Category("Arbetsplatsolycka", GROUP_NONCRIME_RESCUE, "Workplace accident"),
    Category("Sjukdom/olycksfall", GROUP_NONCRIME_RESCUE, "Illness or accident"),
    Category("Räddningsinsats", GROUP_NONCRIME_RESCUE, "Rescue operation"),
    Category("Försvunnen person", GROUP_NONCRIME_POLICE, "Missing person"),
    Category("Efterlyst person", GROUP_NONCRIME_POLICE, "Wanted person"),
    # A death is about one person at one address: never a point.
    Category("Anträffad död", GROUP_NONCRIME_POLICE, "Person found dead", protected=True),
    Category("Kontroll av person/fordon", GROUP_NONCRIME_POLICE, "Check of person or vehicle"),
    Category("Larm", GROUP_NONCRIME_POLICE, "Alarm (burglary, assault)"),
    Category("Misstänkt farligt föremål", GROUP_NONCRIME_POLICE, "Suspected dangerous object"),
    Category("Anträffat gods", GROUP_NONCRIME_POLICE, "Property found"),
    Category("Djur", GROUP_NONCRIME_POLICE, "Animals"),
    Category("Polisinsats", GROUP_NONCRIME_POLICE, "Police operation"),
    Category("Information från polisen", GROUP_NONCRIME_POLICE, "Information from the police"),
    Category(OTHER, GROUP_OTHER, "Other"),
)

BY_NAME: dict[str, Category] = {c.name: c for c in CATEGORIES}
# Crimes first, then the events that are not crimes, then Övrigt (the order of the filters).
GROUPS: tuple[str, ...] = tuple(sorted(dict.fromkeys(c.group for c in CATEGORIES),
                                       key=lambda g: (g == GROUP_OTHER, g in NON_CRIME_GROUPS)))
PROTECTED: frozenset[str] = frozenset(c.name for c in CATEGORIES if c.protected)
# The groups' names in the English UI (Brå's terms as the English edition of its reports writes them).
GROUP_ENGLISH: dict[str, str] = {
    GROUP_LIFE: "Crimes against life and health",
    GROUP_PEACE: "Crimes against liberty and peace",
    GROUP_SEX: "Sexual offences",
    GROUP_THEFT: "Theft, robbery and other acquisitive crime",
    GROUP_FRAUD: "Fraud and other dishonesty",
    GROUP_DAMAGE: "Criminal damage",
    GROUP_DRUGS: "Alcohol and drug offences",
    GROUP_DISORDER: "Public disorder",
    GROUP_MUNICIPAL: "Reports from the municipality and partners",
    GROUP_TRAFFIC_CRIME: "Traffic offences",
    GROUP_PUBLIC_DANGER: "Crimes of public danger",
    GROUP_AUTHORITY: "Crimes against public authority",
    GROUP_OTHER_CRIME: "Other crimes",
    GROUP_NONCRIME_TRAFFIC: "Not a crime: traffic",
    GROUP_NONCRIME_RESCUE: "Not a crime: fire, accident and rescue",
    GROUP_NONCRIME_POLICE: "Not a crime: other police work",
    GROUP_OTHER: "Other",
}

# Names seen in police exports, the police's public events and the handbook's
# table that mean one of the project's categories.
_SYNONYMS: dict[str, str] = {
    "misshandel": "Misshandel utomhus",
    "misshandel, utomhus": "Misshandel utomhus",
    "misshandel ute": "Misshandel utomhus",
    "misshandel, inomhus": "Misshandel inomhus",
    "misshandel inne": "Misshandel inomhus",
    "misshandel, grov": "Misshandel utomhus",
    "våld": "Övriga liv- och hälsabrott",
    "mord/dråp": "Övriga liv- och hälsabrott",
    "mord/dråp, försök": "Övriga liv- och hälsabrott",
    "övriga liv- och hälsabrott": "Övriga liv- och hälsabrott",
    "hemfridsbrott": "Hemfridsbrott, olaga intrång",
    "olaga intrång": "Hemfridsbrott, olaga intrång",
    "hemfridsbrott, olaga intrång m.fl.": "Hemfridsbrott, olaga intrång",
    "försök/fullbordad våldtäkt ute": "Våldtäkt utomhus",
    "försök/fullbordad våldtäkt inne": "Våldtäkt inomhus",
    "våldtäkt": "Våldtäkt inomhus",
    "våldtäkt, försök": "Våldtäkt inomhus",
    "sexuellt ofredande, exhibitionism": "Sexuellt ofredande",
    "sexualbrott": "Övriga sexualbrott",
    "tillgrepp/försök motordrivet fordon": "Tillgrepp av motordrivet fordon",
    "stöld, fordon": "Tillgrepp av motordrivet fordon",
    "bilstöld": "Tillgrepp av motordrivet fordon",
    "inbrott, bostad": "Inbrott i bostad",
    "bostadsinbrott": "Inbrott i bostad",
    "inbrott i skola/stöld": "Inbrott i skola",
    "stöld ur motorfordon": "Stöld ur motordrivet fordon",
    "stöld ur bil": "Stöld ur motordrivet fordon",
    "stöld/snatteri i butik": "Butiksstöld",
    "snatteri": "Butiksstöld",
    "stöld på kontor/inbrott": "Inbrott i kontor",
    "inbrott i kontor/stöld": "Inbrott i kontor",
    "inbrott": "Inbrott i bostad",
    "rån": "Personrån",
    "rån, försök": "Personrån",
    "rån väpnat": "Personrån",
    "stöld": "Övriga tillgreppsbrott",
    "stöld/inbrott": "Övriga tillgreppsbrott",
    "stöld, försök": "Övriga tillgreppsbrott",
    "bedrägeri": "Bedrägeri",
    "skadegörelse motorfordon": "Skadegörelse på motorfordon",
    "skadegörelse stat/kommun/landsting": "Skadegörelse stat/kommun/region",
    "skadegörelse": "Övrig skadegörelse",
    "klotter": "Klotter",
    "brott mot alkohollagstiftningen": "Brott mot alkohollagstiftningen",
    "alkohollagen": "Brott mot alkohollagstiftningen",
    "narkotikabrott innehav": "Narkotikabrott, innehav",
    "narkotikabrott": "Narkotikabrott, innehav",
    "narkotikabrott överlåtelse": "Narkotikabrott, överlåtelse",
    "ordningslagen": "Ordningsstörning",
    "fylleri/lob": "Berusad person",
    "berusad": "Berusad person",
    "brand": "Brand",
    "brand automatlarm": "Brand",
    # The police's public events (polisen.se/aktuellt/handelser), every type of 2023–2026,
    # and the names police exports commonly use for the same offences.
    "misshandel, ej grov": "Misshandel utomhus",
    "grov misshandel": "Misshandel utomhus",
    "vållande till kroppsskada": "Övriga liv- och hälsabrott",
    "skottlossning": "Skottlossning",
    "skottlossning, misstänkt": "Skottlossning",
    "olaga frihetsberövande/människorov": "Olaga frihetsberövande",
    "olaga frihetsberövande": "Olaga frihetsberövande",
    "människorov": "Olaga frihetsberövande",
    "ofredande/förargelse": "Ofredande",
    "olaga hot, grovt": "Olaga hot",
    "grovt olaga hot": "Olaga hot",
    "bombhot": "Övriga allmänfarliga brott",
    "sedlighetsbrott": "Övriga sexualbrott",
    "motorfordon, stöld": "Tillgrepp av motordrivet fordon",
    "stöld av motorfordon": "Tillgrepp av motordrivet fordon",
    "inbrott, försök": "Inbrott i bostad",
    "lägenhetsinbrott": "Inbrott i bostad",
    "villainbrott": "Inbrott i bostad",
    "cykel, stöld": "Cykelstöld",
    "stöld av cykel": "Cykelstöld",
    "rån övrigt": "Personrån",
    "rån, väpnat": "Personrån",
    "väpnat rån": "Personrån",
    "grovt rån": "Personrån",
    "häleri": "Häleri",
    "åldringsbrott": "Bedrägeri",
    "bedrägeri, grovt": "Bedrägeri",
    "skadegörelse genom klotter": "Klotter",
    "skadegörelse, grov": "Övrig skadegörelse",
    "mordbrand": "Mordbrand",
    "explosion": "Sprängning, detonation",
    "detonation": "Sprängning, detonation",
    "allmänfarlig ödeläggelse": "Sprängning, detonation",
    "spridning smitta/kemikalier": "Övriga allmänfarliga brott",
    "narkotikabrott, ringa": "Narkotikabrott, innehav",
    "ringa narkotikabrott": "Narkotikabrott, innehav",
    "eget bruk narkotika": "Narkotikabrott, innehav",
    "fylleri": "Berusad person",
    "bråk": "Ordningsstörning",
    "smällar": "Ordningsstörning",
    "rattfylleri": "Rattfylleri",
    "rattfylleri, grovt": "Rattfylleri",
    "grovt rattfylleri": "Rattfylleri",
    "drograttfylleri": "Rattfylleri",
    "olovlig körning": "Olovlig körning",
    "olovlig körning, grov": "Olovlig körning",
    "trafikbrott": "Övriga trafikbrott",
    "trafikolycka, smitning från": "Övriga trafikbrott",
    "smitning": "Övriga trafikbrott",
    "vårdslöshet i trafik": "Övriga trafikbrott",
    "våld/hot mot tjänsteman": "Våld eller hot mot tjänsteman",
    "våld mot tjänsteman": "Våld eller hot mot tjänsteman",
    "hot mot tjänsteman": "Våld eller hot mot tjänsteman",
    "våldsamt motstånd": "Våld eller hot mot tjänsteman",
    "sabotage mot blåljusverksamhet": "Sabotage mot blåljusverksamhet",
    "knivlagen": "Vapen- och knivlagsbrott",
    "vapenlagen": "Vapen- och knivlagsbrott",
    "brott mot knivlagen": "Vapen- och knivlagsbrott",
    "brott mot vapenlagen": "Vapen- och knivlagsbrott",
    "vapenbrott": "Vapen- och knivlagsbrott",
    "förfalskningsbrott": "Förfalskningsbrott",
    "missbruk av urkund": "Förfalskningsbrott",
    "urkundsförfalskning": "Förfalskningsbrott",
    "ekobrott": "Ekobrott",
    "miljöbrott": "Miljöbrott",
    "hets mot folkgrupp": "Hets mot folkgrupp",
    "utlänningslagen": "Övriga specialstraffrättsliga brott",
    "sjölagen": "Övriga specialstraffrättsliga brott",
    "luftfartslagen": "Övriga specialstraffrättsliga brott",
    "skyddslagen": "Övriga specialstraffrättsliga brott",
    "lagen om hundar och katter": "Övriga specialstraffrättsliga brott",
    "trafikolycka": "Trafikolycka",
    "trafikolycka, personskada": "Trafikolycka",
    "trafikolycka, singel": "Trafikolycka",
    "trafikolycka, vilt": "Viltolycka",
    "viltolycka": "Viltolycka",
    "trafikhinder": "Trafikhinder",
    "trafikkontroll": "Trafikkontroll",
    "arbetsplatsolycka": "Arbetsplatsolycka",
    "sjukdom/olycksfall": "Sjukdom/olycksfall",
    "räddningsinsats": "Räddningsinsats",
    "fjällräddning": "Räddningsinsats",
    "varningslarm/haveri": "Räddningsinsats",
    "försvunnen person": "Försvunnen person",
    "efterlyst person": "Efterlyst person",
    "anträffad död": "Anträffad död",
    "kontroll person/fordon": "Kontroll av person/fordon",
    "kontroll": "Kontroll av person/fordon",
    "larm överfall": "Larm",
    "larm inbrott": "Larm",
    "farligt föremål, misstänkt": "Misstänkt farligt föremål",
    "anträffat gods": "Anträffat gods",
    "upphittat föremål": "Anträffat gods",
    # The theft was counted when the vehicle was stolen; finding it is police work.
    "motorfordon, anträffat stulet": "Anträffat gods",
    "djur": "Djur",
    "polisinsats/kommendering": "Polisinsats",
    "information": "Information från polisen",
    "uppdatering": "Information från polisen",
}


def display_name(name: object, *, lang: str = "sv") -> str:
    """A category's or group's name in the reader's language; a name not on the project's list stays as it is.

    A user's own categories have no English name, and a guess would be worse than their own word.

    >>> display_name("Cykelstöld", lang="en"), display_name("Skadegörelse", lang="en")
    ('Bicycle theft', 'Criminal damage')
    >>> display_name("Fönsterkrossning vid skolan", lang="en"), display_name("Cykelstöld")
    ('Fönsterkrossning vid skolan', 'Cykelstöld')
    """
    text = str(name)
    if lang != "en":
        return text
    if text in BY_NAME:
        return BY_NAME[text].label_en
    return GROUP_ENGLISH.get(text, text)


def _key(name: str) -> str:
    text = unicodedata.normalize("NFC", str(name)).strip().lower()
    return re.sub(r"\s+", " ", text)


_LOOKUP: dict[str, str] = {_key(c.name): c.name for c in CATEGORIES} | {
    _key(k): v for k, v in _SYNONYMS.items()
}


def canonical_category(name: object) -> str | None:
    """Return the project's category for a name from a file, or None if unknown.

    >>> canonical_category("  stöld/snatteri i butik ")
    'Butiksstöld'
    >>> canonical_category("Fylleri/LOB")
    'Berusad person'
    """
    if name is None:
        return None
    return _LOOKUP.get(_key(name))


def is_summary(name: object) -> bool:
    """Tell whether an event type is one of the police's summaries ("Sammanfattning natt", "… vecka").

    A summary retells events that have their own notes, so it is not an event of its own.

    >>> is_summary("Sammanfattning kväll och natt"), is_summary("Brand")
    (True, False)
    """
    return isinstance(name, str) and _key(name).startswith("sammanfattning")


def is_crime(name: str) -> bool:
    """Tell whether a category is a crime (not in one of the "Ej brott: …" groups).

    >>> is_crime("Rattfylleri"), is_crime("Trafikolycka")
    (True, False)
    """
    category = BY_NAME.get(name)
    return category is None or category.group not in NON_CRIME_GROUPS


def is_protected(name: str) -> bool:
    """Tell whether a category must never be drawn as individual points."""
    return name in PROTECTED
