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
# kommun's own report types, which the police table does not cover.
GROUP_LIFE = "Brott mot liv och hälsa"
GROUP_PEACE = "Brott mot frihet och frid"
GROUP_SEX = "Sexualbrott"
GROUP_THEFT = "Stöld, rån och andra tillgreppsbrott"
GROUP_FRAUD = "Bedrägeri och annan oredlighet"
GROUP_DAMAGE = "Skadegörelse"
GROUP_DRUGS = "Alkohol- och narkotikabrott"
GROUP_DISORDER = "Ordningsstörningar"
GROUP_MUNICIPAL = "Kommunens och partners rapporter"
GROUP_OTHER = "Övrigt"

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
    Category("Brand", GROUP_MUNICIPAL, "Fire"),
    Category("Trasig belysning", GROUP_MUNICIPAL, "Broken lighting"),
    Category("Otrygg plats", GROUP_MUNICIPAL, "Place felt unsafe"),
    Category(OTHER, GROUP_OTHER, "Other"),
)

BY_NAME: dict[str, Category] = {c.name: c for c in CATEGORIES}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(c.group for c in CATEGORIES))
PROTECTED: frozenset[str] = frozenset(c.name for c in CATEGORIES if c.protected)

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
}


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


def is_protected(name: str) -> bool:
    """Tell whether a category must never be drawn as individual points."""
    return name in PROTECTED
