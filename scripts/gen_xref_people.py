#!/usr/bin/env python3
"""Issue 18's synthetic cross-reference set: N namesake-dense people and planted copies of some.

Usage: gen_xref_people.py OUT_DIR [--n 1000000] [--copies 10000] [--seed 18]

Writes to OUT_DIR:
  people.jsonl   N FtM Person entities drawn by scripts/gen_namesakes.py (run as it is): about 85%
                 Russian names by their real frequency, each name part among its 6 most frequent
                 forms (`--top`, passed on; gen_namesakes' own default is 20), so that, as the
                 issue asks, people have thousands of namesakes: in a million, the median person's
                 full name is shared by about 1,900 people and their surname by about 68,000 (a
                 block of "Иванов" as large as a national leak's); no two people share a name and a
                 full birth date. Ids `ns-0000000`, ...
  copies.jsonl   COPIES planted copies of distinct random people with a full birth date, ids
                 `copy-00000`, ...: the same birth date, gender and nationality, no identifier
                 (a copy that carried its original's INN would be found by the INN alone), and a
                 name changed one way, in equal shares: a one-character typo in one name word (a
                 letter of the same script replaced, dropped, added, or two neighbours swapped), the
                 words reordered (the surname moved last, as "Сергей Петрович Иванов"), or, for a
                 Cyrillic name, the Latin transliteration of a Russian passport (ICAO Doc 9303,
                 gen_namesakes.latin); a name that is not Cyrillic gets a typo instead.
  copies.tsv     `copy_id<TAB>original_id`, with that header: the truth.
  manifest.json  seed, counts, the variants' counts, how many people share the median person's
                 full name and surname, and gen_namesakes' own manifest.

Load both files into one dataset and cross-reference it: every copy should land in its
original's cluster, and no cluster should hold two people who are not copies of each other with
different birth dates (scripts/bench_xref.py people does this and measures it).

Deterministic for a given --seed and reference data. Python 3.11, standard library only.
"""
import argparse
import json
import os
import random
import subprocess
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_namesakes  # noqa: E402  (its transliteration; the people come from running it)

CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
LATIN = "abcdefghijklmnopqrstuvwxyz"


def is_cyrillic(word):
    return any("\u0400" <= c <= "\u04ff" for c in word)


def typo(word, rng):
    """One one-character edit of `word`, in its own script: replace, drop, add, or swap neighbours."""
    alphabet = CYRILLIC if is_cyrillic(word) else LATIN
    kinds = ["replace", "add"] + (["drop", "swap"] if len(word) >= 3 else [])
    while True:
        kind = rng.choice(kinds)
        i = rng.randrange(len(word))
        if kind == "replace":
            c = rng.choice(alphabet)
            new = word[:i] + (c.upper() if word[i].isupper() else c) + word[i + 1:]
        elif kind == "add":
            new = word[:i + 1] + rng.choice(alphabet) + word[i + 1:]
        elif kind == "drop":
            new = word[:i] + word[i + 1:]
        else:
            i = min(i, len(word) - 2)
            new = word[:i] + word[i + 1] + word[i] + word[i + 2:]
            if i == 0:
                new = new[0].upper() + new[1:].lower()
        if new != word and new.replace("-", "") and not new.startswith("-"):
            return new


def variant(name, rng):
    """(kind, changed name) for a copy of a person named `name`."""
    words = name.split()
    kind = rng.choice(["typo", "reorder", "latin"])
    if kind == "latin" and not is_cyrillic(name):
        kind = "typo"
    if kind == "reorder" and len(words) < 2:
        kind = "typo"
    if kind == "typo":
        candidates = [k for k, w in enumerate(words) if len(w) >= 2]
        k = rng.choice(candidates)
        words[k] = typo(words[k], rng)
    elif kind == "reorder":
        words = words[1:] + words[:1]  # surname first in the leak's order; moved last
    else:
        words = [gen_namesakes.latin(w) for w in words]
    return kind, " ".join(words)


def median_weighted(counts):
    """The number of people sharing the name of the median person (each person weighs one)."""
    sizes = sorted(counts.values())
    half, seen = sum(sizes) / 2, 0
    for size in sizes:
        seen += size
        if seen >= half:
            return size
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--n", type=int, default=1_000_000, help="people to draw")
    ap.add_argument("--copies", type=int, default=10_000, help="planted copies")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--top", type=int, default=6, help="gen_namesakes.py --top: each name part among its TOP "
                                                       "most frequent forms (fewer: denser namesakes)")
    args = ap.parse_args()
    if not 0 < args.copies <= args.n // 2:
        sys.exit("--copies must be between 1 and half of --n")
    os.makedirs(args.out_dir, exist_ok=True)
    # The people: gen_namesakes.py as it is (its one query and its expected file are not used).
    subprocess.run([sys.executable, os.path.join(HERE, "gen_namesakes.py"), args.out_dir, "--n", str(args.n),
                    "--queries", "1", "--seed", str(args.seed), "--top", str(args.top)], check=True)
    for unused in ("queries.jsonl", "expected.tsv"):
        os.remove(os.path.join(args.out_dir, unused))
    with open(os.path.join(args.out_dir, "manifest.json"), encoding="utf-8") as f:
        namesakes_manifest = json.load(f)

    rng = random.Random(args.seed)
    # A few more than asked for: people known only by their birth year are passed over.
    chosen = set(rng.sample(range(args.n), min(args.n, args.copies + args.copies // 10 + 10)))
    originals = []
    full_names, surnames = Counter(), Counter()
    with open(os.path.join(args.out_dir, "people.jsonl"), encoding="utf-8") as f:
        for i, line in enumerate(f):
            e = json.loads(line)
            words = e["properties"]["name"][0].split()
            full_names[" ".join(words)] += 1
            surnames[words[0]] += 1
            if i in chosen:
                if len(e["properties"]["birthDate"][0]) == 10:
                    originals.append(e)
    # how many people share a person's full name (and surname), for the person in the middle
    density = {"full_name_shared_by_median": median_weighted(full_names),
               "surname_shared_by_median": median_weighted(surnames),
               "distinct_full_names": len(full_names), "distinct_surnames": len(surnames)}
    rng.shuffle(originals)
    if len(originals) < args.copies:
        sys.exit(f"only {len(originals)} people with a full birth date were sampled: raise --n")
    originals = originals[:args.copies]
    kinds = {"typo": 0, "reorder": 0, "latin": 0}
    with open(os.path.join(args.out_dir, "copies.jsonl"), "w", encoding="utf-8") as out, \
            open(os.path.join(args.out_dir, "copies.tsv"), "w", encoding="utf-8") as truth:
        truth.write("copy_id\toriginal_id\n")
        for k, e in enumerate(originals):
            kind, name = variant(e["properties"]["name"][0], rng)
            kinds[kind] += 1
            props = {p: e["properties"][p] for p in ("gender", "birthDate", "nationality") if p in e["properties"]}
            copy = {"id": f"copy-{k:05d}", "schema": "Person", "properties": {"name": [name], **props}}
            out.write(json.dumps(copy, ensure_ascii=False) + "\n")
            truth.write(f"{copy['id']}\t{e['id']}\n")
    manifest = {"generator": "scripts/gen_xref_people.py", "seed": args.seed, "people": args.n,
                "copies": args.copies, "top": args.top, "variants": kinds, **density,
                "namesakes": namesakes_manifest}
    with open(os.path.join(args.out_dir, "manifest.json"), "w", encoding="utf-8") as m:
        json.dump(manifest, m, indent=2, ensure_ascii=False)
        m.write("\n")


if __name__ == "__main__":
    main()
