#!/usr/bin/env python3
"""Derive the Cyrillic -> Latin transliteration tables of crosscheck-names.

Sources (recorded in the generated file's header):
- Russian schemes: ../shared/data/names/translit_schemas/iuliia (MIT, Anton Zhiyanov; "may derive").
  Each scheme is copied as four tables with iuliia's semantics: `mapping` (letter), `prev`
  (previous letter + letter; a one-letter key means "at the start of a word"), `next` (letter +
  next letter) and `ending` (the last two letters of a word).
- Ukrainian: the `translitua` package on PyPI (MIT, Dmitry Chaplinsky), version recorded below:
  UkrainianKMU (the national system of Cabinet of Ministers resolution No. 55 of 2010-01-27, used
  in Ukrainian passports) and UkrainianPassport2007. Its FIRST_CHARACTERS become one-letter `prev`
  keys, SPECIAL_CASES (two letters) become `prev` keys, deleted characters map to "".
- Belarusian: written here from the official tables (no permissively licensed package has them):
  the national system ("Instruction on transliteration of Belarusian geographical names with
  letters of Latin script", State Committee on Property, 2007, approved by UNGEGN resolution
  X/5 2007) and the ICAO 9303 style used in Belarusian passports (Я -> IA, Г -> H, Ў -> U).
  Facts of a public standard, not copied code.

Run: python3 -m venv /tmp/tv && /tmp/tv/bin/pip install translitua==2.0 &&
     /tmp/tv/bin/python scripts/derive_names_translit.py
"""

import importlib.metadata
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("CROSSCHECK_REFERENCE_DATA", os.path.join(ROOT, "..", "shared", "data"))
IUL = os.path.join(DATA, "names", "translit_schemas", "iuliia")
OUT = os.path.join(ROOT, "crates", "crosscheck-names", "src", "translit", "tables.rs")

# (Rust variant, iuliia file)
RUSSIAN = [
    ("Icao9303", "icao_doc_9303"),
    ("Mvd310", "mvd_310"),
    ("Mvd782", "mvd_782"),
    ("Gost779", "gost_779"),
    ("Gost52535", "gost_52535"),
    ("BgnPcgn", "bgn_pcgn"),
    ("Scientific", "scientific"),
    ("Wikipedia", "wikipedia"),
    ("AlaLc", "ala_lc"),
    ("Telegram", "telegram"),
]

BELARUSIAN_NATIONAL = {
    "mapping": {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "ie", "ё": "io", "ж": "ž",
        "з": "z", "і": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ў": "ŭ", "ф": "f", "х": "ch", "ц": "c", "ч": "č",
        "ш": "š", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
        # Russian letters occasionally found in Belarusian text
        "и": "i", "щ": "šč", "ъ": "",
    },
    # е ё ю я are je jo ju ja at the start of a word, after a vowel, an apostrophe or ў
    "prev": {},
    # a soft sign after з л н с ц marks the consonant: ź ĺ ń ś ć
    "next": {"зь": "ź", "ль": "ĺ", "нь": "ń", "сь": "ś", "ць": "ć"},
    "ending": {},
}
for v in "еёюя":
    j = {"е": "je", "ё": "jo", "ю": "ju", "я": "ja"}[v]
    BELARUSIAN_NATIONAL["prev"][v] = j
    for p in "аеёіоуыэюяў'’ʼь":
        BELARUSIAN_NATIONAL["prev"][p + v] = j

BELARUSIAN_PASSPORT = {
    "mapping": {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "і": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
        "ш": "sh", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
        "и": "i", "щ": "shch", "ъ": "",
    },
    "prev": {},
    "next": {},
    "ending": {},
}


def translitua_scheme(cls):
    lower = {k: v for k, v in cls._MAIN_TRANSLIT_TABLE.items() if k == k.lower()}
    prev = {}
    for k, v in getattr(cls, "_FIRST_CHARACTERS", {}).items():
        if k == k.lower():
            prev[k] = v
    for k, v in getattr(cls, "_SPECIAL_CASES", {}).items():
        if k == k.lower() and len(k) == 2:
            # "зг" -> "zgh": the г after з becomes "gh"
            first = lower.get(k[0], k[0])
            assert v.startswith(first), (k, v)
            prev[k] = v[len(first):]
    for d in getattr(cls, "_DELETE_CASES", []):
        if d == d.lower():
            lower[d] = ""
    lower.setdefault("ь", "")
    return {"mapping": lower, "prev": prev, "next": {}, "ending": {}}


def rust_str(s):
    return json.dumps(s, ensure_ascii=False)


def rust_char(c):
    if c == "\0":
        return "'\\0'"
    if c == "'":
        return "'\\''"
    return f"'{c}'"


def emit(name, scheme, out):
    """Tables keyed by characters (no string comparison at run time): `prev` by (previous letter
    or NUL at the start of a word, letter), `next` by (letter, next letter), `ending` by the last
    two letters."""

    def pairs(d, start_marker):
        rows = []
        for k, v in d.items():
            if len(k) == 1:
                assert start_marker, (name, k)
                k = "\0" + k
            assert len(k) == 2, (name, k)
            rows.append(((ord(k[0]), ord(k[1])), k, v))
        rows.sort()
        return ", ".join(f"(({rust_char(k[0])}, {rust_char(k[1])}), {rust_str(v)})" for _, k, v in rows)

    mapping = ", ".join(f"({rust_char(k)}, {rust_str(v)})" for k, v in sorted(scheme["mapping"].items()))
    out.append(f"pub(super) static {name}: Table = Table {{")
    out.append(f"    mapping: &[{mapping}],")
    out.append(f"    prev: &[{pairs(scheme.get('prev') or {}, True)}],")
    out.append(f"    next: &[{pairs(scheme.get('next') or {}, False)}],")
    out.append(f"    ending: &[{pairs(scheme.get('ending') or {}, False)}],")
    out.append("};")


def main():
    import importlib
    tu = importlib.import_module("translitua.translit")

    tu_version = importlib.metadata.version("translitua")
    out = [
        "// @generated by scripts/derive_names_translit.py -- do not edit by hand.",
        "// Sources and licences:",
        "// - Russian: iuliia schemas (../shared/data/names/translit_schemas/iuliia), MIT, (c) 2020 Anton Zhiyanov.",
        f"// - Ukrainian: translitua {tu_version} (PyPI), MIT, (c) 2014-2019 Dmitry Chaplinsky.",
        "// - Belarusian: official national system (Instruction on transliteration of Belarusian geographical",
        "//   names, 2007, UNGEGN resolution X/5) and the ICAO 9303 style of Belarusian passports, written from",
        "//   the published tables.",
        "//! Generated transliteration tables (see scripts/derive_names_translit.py).",
        "",
        "use super::Table;",
        "",
    ]
    # the //! line must come first for the module doc; reorder
    out = [out[7]] + out[0:7] + out[8:]
    samples = []
    for name, fname in RUSSIAN:
        with open(os.path.join(IUL, fname + ".json"), encoding="utf-8") as f:
            d = json.load(f)
        scheme = {"mapping": d["mapping"], "prev": d["prev_mapping"], "next": d["next_mapping"],
                  "ending": d["ending_mapping"]}
        emit(name.upper(), scheme, out)
        for src, dst in d.get("samples", []):
            samples.append((name, src, dst))
    emit("UKRAINIANNATIONAL2010", translitua_scheme(tu.UkrainianKMU), out)
    emit("UKRAINIANPASSPORT2007", translitua_scheme(tu.UkrainianPassport2007), out)
    emit("BELARUSIAN", BELARUSIAN_NATIONAL, out)
    emit("BELARUSIANPASSPORT", BELARUSIAN_PASSPORT, out)
    # translitua's licence notice, kept with the tables derived from it
    dist = importlib.metadata.distribution("translitua")
    lic = next((f for f in (dist.files or []) if "LICENSE" in str(f).upper()), None)
    if lic is not None:
        data_dir = os.path.join(ROOT, "crates", "crosscheck-names", "data")
        with open(os.path.join(data_dir, "LICENSE_translitua.txt"), "w", encoding="utf-8") as f:
            f.write(dist.locate_file(lic).read_text(encoding="utf-8"))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
