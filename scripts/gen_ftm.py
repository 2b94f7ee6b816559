#!/usr/bin/env python3
"""Deterministic generator of synthetic FtM JSON lines for load and screening benchmarks.

Usage: gen_ftm.py N OUT.jsonl [--seed S] [--queries K QUERIES.jsonl]

Writes N entities (about 85% Person, 15% Company) with names built from syllables (Latin and
Cyrillic scripts, Zipf-like frequencies so common tokens are common, as in real lists), birth
dates, nationalities, identifiers and aliases. Nothing here comes from real people or real
reference data. With --queries, also writes K query copies of randomly chosen entities (the
same id), so a screening run can check that every sampled entity is found by a copy of itself (all its properties, the
name in "LAST, First" order half of the time).
"""
import argparse
import bisect
import itertools
import json
import random

LAT_SYL = ["ka", "ri", "mo", "sa", "le", "ni", "to", "va", "de", "lu", "po", "ra", "mi", "ko", "na", "ta",
           "be", "shi", "ga", "zo", "fe", "xi", "du", "ol", "an", "er", "in", "os", "ul", "ed", "ar", "ev"]
CYR = {"a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "i": "и", "k": "к", "l": "л", "m": "м",
       "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "x": "кс", "z": "з",
       "h": "х"}
COUNTRIES = ["ru", "ua", "by", "kz", "us", "gb", "de", "fr", "ir", "sy", "cn", "kp", "tr", "ae", "ve"]
FORMS = ["LLC", "Ltd", "JSC", "GmbH", "OOO", "PJSC", "SA", "Inc"]


class Zipf:
    """Rank-weighted choice: item i has weight 1/(i+1)^s (cumulative weights computed once)."""

    def __init__(self, items, s):
        self.items = items
        self.cum = list(itertools.accumulate(1.0 / (i + 1) ** s for i in range(len(items))))

    def pick(self, rng):
        return self.items[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]


def make_vocab(rng, n, min_syl, max_syl):
    vocab = set()
    while len(vocab) < n:
        vocab.add("".join(rng.choice(LAT_SYL) for _ in range(rng.randint(min_syl, max_syl))).capitalize())
    return sorted(vocab)


def to_cyrillic(word):
    out, i = [], 0
    w = word.lower()
    while i < len(w):
        if w.startswith("sh", i):
            out.append("ш")
            i += 2
            continue
        out.append(CYR.get(w[i], w[i]))
        i += 1
    return "".join(out).capitalize()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--queries", nargs=2, metavar=("K", "FILE"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    given = Zipf(make_vocab(rng, 3000, 2, 3), 0.9)
    family = Zipf(make_vocab(rng, 60000, 2, 4), 0.7)
    words = Zipf(make_vocab(rng, 8000, 2, 3), 0.8)
    sample_k = int(args.queries[0]) if args.queries else 0
    sample_ids = set(rng.sample(range(args.n), sample_k)) if sample_k else set()
    queries = []
    with open(args.out, "w", encoding="utf-8") as out:
        for i in range(args.n):
            eid = f"gen-{i:08d}"
            if rng.random() < 0.85:
                first, last = given.pick(rng), family.pick(rng)
                name = f"{first} {last}"
                props = {"name": [to_cyrillic(first) + " " + to_cyrillic(last) if rng.random() < 0.3 else name],
                         "birthDate": [f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"],
                         "nationality": [rng.choice(COUNTRIES)],
                         "gender": [rng.choice(["male", "female"])]}
                if rng.random() < 0.3:
                    props["alias"] = [f"{last} {first[0]}."]
                if rng.random() < 0.4:
                    props["passportNumber"] = [f"{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}"]
                schema = "Person"
                # A copy of the entity, its name written "LAST, First" half of the time.
                query_props = dict(props, name=[f"{last}, {first}" if rng.random() < 0.5 else name])
            else:
                name = " ".join(words.pick(rng) for _ in range(rng.randint(1, 3))) + " " + rng.choice(FORMS)
                props = {"name": [name], "country": [rng.choice(COUNTRIES)],
                         "registrationNumber": [str(rng.randint(10 ** 9, 10 ** 10))]}
                schema = "Company"
                query_props = dict(props)
            out.write(json.dumps({"id": eid, "schema": schema, "properties": props}, ensure_ascii=False) + "\n")
            if i in sample_ids:
                queries.append({"id": eid, "schema": schema, "properties": query_props})
    if args.queries:
        rng.shuffle(queries)
        with open(args.queries[1], "w", encoding="utf-8") as q:
            for query in queries:
                q.write(json.dumps(query, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
