#!/usr/bin/env python3
"""A namesake-dense people dataset for issue 13 ("Retrieval among namesakes"), and its queries.

Usage: gen_namesakes.py OUT_DIR [--n N] [--queries K] [--seed S]

Writes to OUT_DIR:
  people.jsonl     N FtM Person entities (default 1,000,000), one JSON object per line
  queries.jsonl    K queries (default 2,000): copies of loaded people without their identifiers
                   (same name, same birth date, same country), ids `q00000`, ...
  expected.tsv     `query_id<TAB>expected_id`: the loaded person each query is a copy of
  manifest.json    seed, counts and every reference file read (path, size, SHA-256)

Why this shape: a leak of tens of millions of Russians repeats "Иванов Сергей Петрович"
thousands of times, and only the birth date tells them apart. Names are drawn by their real
frequency: about 85% Russians from `names/ru_name_freq` (surnames with their feminine forms,
given names and patronymics, each with its count; BSD-3), the rest people of Kazakhstan,
Azerbaijan, Georgia and Moldova from `names/names_dataset` (first and last names with their
rank per country, weighted 1/rank; Apache-2.0), among each country's 3,000 most popular
single-word names, since the social-network scrape's tail is noise. By default each name part
is drawn among its 20 most frequent forms (`--top`; 0 for the whole tables), so that a million
people are as dense in namesakes as a national leak many times larger: a sampled person's full
name is shared by a median of about 80 people (the most common, "Иванов Александр Иванович",
by about 650) and each of its words by tens of thousands. With the whole tables most Russian
full names in a million are unique and the task is easy. A person's gender decides
every part of the name (a woman gets a feminine surname and patronymic, a given name mostly
used by women). Birth dates are spread over 70 years (1940-2009, 2% known only to the year);
nationality is the country drawn; a third carry an identifier (half a 12-digit personal INN
with valid check digits, half a 10-digit Russian passport number), which the queries leave out.
No two people share a name and a full birth date, and queries copy only people with a full date
(a year-only date cannot tell apart the namesakes born that year), so each query has exactly
one right answer. A query is written as the person is, except: a quarter of Russian queries in the Latin script
(ICAO Doc 9303 transliteration, as in Russian passports), and a fifth in the other word order
("Сергей Петрович Иванов").

Nothing real is combined: every person is a random draw. Deterministic for a given --seed and
reference data. The data folder is CROSSCHECK_REFERENCE_DATA, else ../shared/data from the
project root. Python 3.11, standard library only.
"""
import argparse
import bisect
import csv
import hashlib
import itertools
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.environ.get("CROSSCHECK_REFERENCE_DATA", os.path.join(ROOT, "..", "shared", "data"))

RU_SURNAMES = "names/ru_name_freq/russiannames_surnames.csv"
RU_GIVEN = "names/ru_name_freq/russiannames_names.csv"
RU_PATRONYMICS = "names/ru_name_freq/russiannames_midnames.csv"
ND_FIRST = "names/names_dataset/first_names_post_soviet.tsv"
ND_LAST = "names/names_dataset/last_names_post_soviet.tsv"

# Share of people by country; "ru" people come from ru_name_freq, the others from names_dataset.
COUNTRIES = [("ru", 0.85), ("kz", 0.07), ("az", 0.04), ("ge", 0.025), ("md", 0.015)]
TOP_RANKS = 3000
YEARS = (1940, 2009)

ICAO = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
        "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y",
        "ь": "", "э": "e", "ю": "iu", "я": "ia", "-": "-"}


class Weighted:
    """Choice in proportion to weights (cumulative sums computed once), among the `top` heaviest
    items when `top` is set."""

    def __init__(self, items, weights, top=0):
        if not items:
            sys.exit("a name table came out empty: is the reference data complete?")
        if top:
            kept = sorted(zip(weights, items), key=lambda wi: (-wi[0], wi[1]))[:top]
            weights, items = [w for w, _ in kept], [i for _, i in kept]
        self.items = items
        self.cum = list(itertools.accumulate(weights))

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


def is_word(text, script):
    """One word of letters (a hyphen inside allowed), in the given script."""
    if not text or not text[0].isupper() or "--" in text or text.endswith("-"):
        return False
    letters = text.replace("-", "")
    if not letters.isalpha() or len(letters) < 2:
        return False
    cyrillic = all("\u0400" <= c <= "\u04ff" for c in letters)
    return cyrillic if script == "cyrillic" else (script == "latin" and letters.isascii())


class Sources:
    """Opens reference files and records what was read, for the manifest."""

    def __init__(self, ref):
        self.ref = ref
        self.read = []

    def open(self, rel):
        path = os.path.join(self.ref, rel)
        if not os.path.exists(path):
            sys.exit(f"reference data missing: {path} (set CROSSCHECK_REFERENCE_DATA)")
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self.read.append({"path": rel, "size": os.path.getsize(path), "sha256": digest})
        return open(path, encoding="utf-8", newline="")


def russian_tables(src, top):
    """Surnames, given names and patronymics by gender (`m`, `f`), weighted by their counts;
    the `top` most frequent of each (all when 0)."""
    surnames = {"m": ([], []), "f": ([], [])}
    with src.open(RU_SURNAMES) as f:
        for row in csv.DictReader(f):
            if row["gender"] in surnames and is_word(row["text"], "cyrillic") and row["count"].isdigit():
                surnames[row["gender"]][0].append(row["text"])
                surnames[row["gender"]][1].append(int(row["count"]))
    given = {"m": ([], []), "f": ([], [])}
    with src.open(RU_GIVEN) as f:
        for row in csv.DictReader(f):
            if row["gender"] in given and is_word(row["text"], "cyrillic") and row["count"].isdigit():
                given[row["gender"]][0].append(row["text"])
                given[row["gender"]][1].append(int(row["count"]))
    patronymics = {"m": ([], []), "f": ([], [])}
    with src.open(RU_PATRONYMICS) as f:
        for row in csv.DictReader(f):
            if row["gender"] in patronymics and is_word(row["text"], "cyrillic") and row["count"].isdigit():
                patronymics[row["gender"]][0].append(row["text"])
                patronymics[row["gender"]][1].append(int(row["count"]))
    return {g: (Weighted(*surnames[g], top=top), Weighted(*given[g], top=top), Weighted(*patronymics[g], top=top))
            for g in ("m", "f")}


def surname_gender(name):
    """The gender a Slavic surname's form points to, or None (Georgian -shvili fits both)."""
    low = name.lower()
    if low.endswith(("ова", "ева", "ина", "ская", "цкая", "ova", "eva", "ina", "skaya", "kaya")):
        return "f"
    if low.endswith(("ов", "ев", "ин", "ский", "цкий", "ov", "ev", "in", "sky", "skiy", "skii")):
        return "m"
    return None


def country_tables(src, top):
    """Per country of names_dataset: (first names by gender, last names by gender), 1/rank; the
    `top` most popular of each (at most TOP_RANKS)."""
    wanted = {c for c, _ in COUNTRIES if c != "ru"}

    def read(rel, first):
        table = {c: {"m": ([], []), "f": ([], [])} for c in wanted}
        with src.open(rel) as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if not is_word(row["name"], row["script"]):
                    continue
                ranks = dict(part.split(":") for part in row["ranks"].split(";") if ":" in part)
                p_male = float(row["p_male"]) if row["p_male"] else None
                p_female = float(row["p_female"]) if row["p_female"] else None
                for code, rank in ranks.items():
                    c = code.lower()
                    if c not in wanted or not rank.isdigit() or int(rank) > TOP_RANKS:
                        continue
                    if first:
                        # a given name must say its gender clearly
                        genders = [g for g, p in (("m", p_male), ("f", p_female)) if p is not None and p >= 0.8]
                    else:
                        form = surname_gender(row["name"])
                        genders = [form] if form else ["m", "f"]
                    for g in genders:
                        table[c][g][0].append(row["name"])
                        table[c][g][1].append(1.0 / int(rank))
        return {c: {g: Weighted(*table[c][g], top=top) for g in ("m", "f")} for c in wanted}

    return read(ND_FIRST, True), read(ND_LAST, False)


def inn12(rng):
    """A 12-digit personal INN with valid check digits."""
    digits = [rng.randint(0, 9) for _ in range(10)]
    digits[0], digits[1] = divmod(rng.randint(1, 99), 10)
    for weights in ((7, 2, 4, 10, 3, 5, 9, 4, 6, 8), (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)):
        digits.append(sum(w * d for w, d in zip(weights, digits)) % 11 % 10)
    return "".join(map(str, digits))


def birth_date(rng):
    year = rng.randint(*YEARS)
    if rng.random() < 0.02:
        return str(year)
    day = rng.randint(1, 365)
    month = next(m for m, end in enumerate(itertools.accumulate([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]), 1)
                 if day <= end)
    start = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334][month - 1]
    return f"{year}-{month:02d}-{day - start:02d}"


def latin(word):
    """ICAO Doc 9303 transliteration of a Cyrillic word, as in a Russian passport's MRZ."""
    return "".join(ICAO.get(c, c) for c in word.lower()).capitalize()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--n", type=int, default=1_000_000, help="people to write")
    ap.add_argument("--queries", type=int, default=2000, help="queries to write")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--top", type=int, default=20,
                    help="draw each name part among its TOP most frequent forms (0: all); the default "
                         "makes full names repeat tens to hundreds of times in a million")
    args = ap.parse_args()
    if not 0 < args.queries <= args.n:
        sys.exit("--queries must be between 1 and --n")
    os.makedirs(args.out_dir, exist_ok=True)
    src = Sources(REF)
    russian = russian_tables(src, args.top)
    first_names, last_names = country_tables(src, args.top)
    rng = random.Random(args.seed)
    countries = Weighted([c for c, _ in COUNTRIES], [w for _, w in COUNTRIES])
    # Queries are drawn among people with a full birth date, a few more than asked for, and the
    # first K kept after the shuffle: a year-only date cannot tell namesakes born that year apart.
    chosen = set(rng.sample(range(args.n), min(args.n, args.queries + args.queries // 10 + 10)))
    queries = []
    with_ids = 0
    # (name, full birth date) of everyone so far: no two people share both ("distinct birth
    # dates", as in the issue), so every query has exactly one right answer.
    taken = set()
    with open(os.path.join(args.out_dir, "people.jsonl"), "w", encoding="utf-8") as out:
        for i in range(args.n):
            eid = f"ns-{i:07d}"
            country = countries.pick(rng)
            gender = "m" if rng.random() < 0.5 else "f"
            if country == "ru":
                surnames, given, patronymics = russian[gender]
                parts = [surnames.pick(rng), given.pick(rng), patronymics.pick(rng)]  # leak order
            else:
                parts = [last_names[country][gender].pick(rng), first_names[country][gender].pick(rng)]
            name = " ".join(parts)
            same_name = " ".join(latin(w) for w in parts)  # "Ким" and "Kim" are namesakes too
            born = birth_date(rng)
            while len(born) > 4 and (same_name, born) in taken:
                born = birth_date(rng)
            if len(born) > 4:
                taken.add((same_name, born))
            props = {"name": [name], "gender": ["male" if gender == "m" else "female"],
                     "birthDate": [born], "nationality": [country]}
            if rng.random() < 1 / 3:
                with_ids += 1
                if rng.random() < 0.5:
                    props["innCode"] = [inn12(rng)]
                else:
                    props["passportNumber"] = [f"{rng.randint(1, 99):02d}{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}"]
            out.write(json.dumps({"id": eid, "schema": "Person", "properties": props}, ensure_ascii=False) + "\n")
            if i in chosen and len(born) > 4:
                words = list(parts)
                if country == "ru" and rng.random() < 0.25:
                    words = [latin(w) for w in words]
                if rng.random() < 0.2:
                    words = words[1:] + words[:1]  # given name first, surname last
                query = {"schema": "Person", "properties": {
                    "name": [" ".join(words)], "gender": props["gender"], "birthDate": props["birthDate"],
                    "nationality": props["nationality"]}}
                queries.append((eid, query))
    rng.shuffle(queries)
    if len(queries) < args.queries:
        sys.exit(f"only {len(queries)} people with a full birth date were sampled: raise --n")
    queries = queries[:args.queries]
    with open(os.path.join(args.out_dir, "queries.jsonl"), "w", encoding="utf-8") as q, \
            open(os.path.join(args.out_dir, "expected.tsv"), "w", encoding="utf-8") as e:
        for k, (eid, query) in enumerate(queries):
            qid = f"q{k:05d}"
            q.write(json.dumps({"id": qid, **query}, ensure_ascii=False) + "\n")
            e.write(f"{qid}\t{eid}\n")
    manifest = {"generator": "scripts/gen_namesakes.py", "seed": args.seed, "top": args.top, "people": args.n,
                "with_identifiers": with_ids, "queries": len(queries), "reference_data": src.read}
    with open(os.path.join(args.out_dir, "manifest.json"), "w", encoding="utf-8") as m:
        json.dump(manifest, m, indent=2, ensure_ascii=False)
        m.write("\n")


if __name__ == "__main__":
    main()
