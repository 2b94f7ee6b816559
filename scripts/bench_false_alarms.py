#!/usr/bin/env python3
"""False alarms on ordinary people (issue 13): how many people with common Western names raise a
match against real watchlists, for each scorer side by side in one run.

The development set is invented by the `faker` package (PyPI, MIT): N people (default 10,000)
spread over the en_US, en_GB, de_DE, fr_FR and es_ES locales, a name and either a birth date or
only a birth year (half each), drawn from a fixed seed. None of them is on a list, so every
match is a false alarm. (The held-out check uses other people; this set is for development and
is never used to pick a rule's numbers by its rows.)

Usage (from the project root, after `cargo build --release -p crosscheck-cli`):
  python3 -m venv /tmp/fvenv && /tmp/fvenv/bin/pip install faker
  /tmp/fvenv/bin/python scripts/bench_false_alarms.py [--n 10000] [--seed 13] [--out DIR]
      [--scorer crosscheck-v1 --scorer crosscheck-v2] [--exe target/release/crosscheck]

Prints, per list (OFAC SDN, EU journal, UN SC) and scorer, the share of people that raised a
match at the scorer's default threshold, and the worst pairs, so that a rule's effect can be
read in one run. Reference data is read from ../shared/data (or CROSSCHECK_REFERENCE_DATA);
nothing is copied into the project.
"""
import argparse
import glob
import json
import os
import random
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.environ.get("CROSSCHECK_REFERENCE_DATA", os.path.join(ROOT, "..", "shared", "data"))
LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES"]
COUNTRY = {"en_US": "us", "en_GB": "gb", "de_DE": "de", "fr_FR": "fr", "es_ES": "es"}


def lists():
    return {
        "ofac": ["--format", "ofac-sdn", os.path.join(REF, "watchlists/ofac_sdn/sdn_2024-05-03.csv")],
        "eu": ["--format", "eu-journal"]
        + sorted(glob.glob(os.path.join(REF, "watchlists/eu_journal_sanctions/consolidated/*.csv"))),
        "un": ["--format", "un-xml", os.path.join(REF, "watchlists/un_sc/consolidated_un_2025-04-19.xml")],
    }


def people(n, seed, path):
    """Writes n invented people as FtM query lines."""
    try:
        from faker import Faker
    except ImportError:
        sys.exit("this benchmark needs the faker package: pip install faker")
    fakers = {loc: Faker(loc) for loc in LOCALES}
    for i, loc in enumerate(LOCALES):
        fakers[loc].seed_instance(seed + i)
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            loc = LOCALES[i % len(LOCALES)]
            fk = fakers[loc]
            female = rng.random() < 0.5
            first = fk.first_name_female() if female else fk.first_name_male()
            # a third carry a middle name or initial, as parliaments and registers write them
            middle = ""
            r = rng.random()
            if r < 0.15:
                middle = (fk.first_name_female() if female else fk.first_name_male()) + " "
            elif r < 0.33:
                middle = fk.first_name()[0] + ". "
            name = f"{first} {middle}{fk.last_name()}"
            born = fk.date_of_birth(minimum_age=25, maximum_age=90)
            birth = born.isoformat() if i % 2 == 0 else str(born.year)
            props = {"name": [name], "birthDate": [birth], "nationality": [COUNTRY[loc]],
                     "gender": ["female" if female else "male"]}
            out.write(json.dumps({"id": f"p{i}", "schema": "Person", "properties": props}, ensure_ascii=False) + "\n")


def run(exe, args, stdout=None):
    start = time.perf_counter()
    proc = subprocess.run([exe] + args, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.exit(f"crosscheck {' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", default="/tmp/crosscheck-false-alarms")
    ap.add_argument("--exe", default=os.path.join(ROOT, "target", "release", "crosscheck"))
    ap.add_argument("--scorer", action="append", help="scorer name or id (repeat); default v1 and v2")
    ap.add_argument("--show", type=int, default=8, help="worst pairs to print per list and scorer")
    args = ap.parse_args()
    scorers = args.scorer or ["crosscheck-v1", "crosscheck-v2"]
    os.makedirs(args.out, exist_ok=True)
    data = os.path.join(args.out, "data")
    queries = os.path.join(args.out, f"people-{args.n}-{args.seed}.jsonl")
    if not os.path.exists(queries):
        people(args.n, args.seed, queries)
    for name, load in lists().items():
        if not os.path.exists(os.path.join(data, "datasets", name, "CURRENT")):
            took = run(args.exe, ["--data-dir", data, "load", "--dataset", name] + load)
            print(f"loaded {name} in {took:.1f} s", file=sys.stderr)
    print(f"{args.n} invented people ({', '.join(LOCALES)}; half with a birth date, half a birth year)")
    print(f"{'list':6} {'scorer':28} {'alarms':>7} {'rate':>8} {'queries/s':>10}")
    for name in lists():
        for scorer in scorers:
            results = os.path.join(args.out, f"{name}-{scorer}.jsonl")
            with open(results, "w") as f:
                took = run(args.exe, ["--data-dir", data, "match", "--dataset", name, "--input", queries,
                                      "--scorer", scorer, "--limit", "1"], stdout=f)
            alarms = []
            ids = None
            for q, line in zip(open(queries, encoding="utf-8"), open(results, encoding="utf-8")):
                answer = json.loads(line)
                ids = answer["scorer"]
                hits = [r for r in answer["results"] if r["match"]]
                if hits:
                    alarms.append((hits[0]["score"], json.loads(q)["properties"]["name"][0], hits[0]["caption"]))
            rate = 100 * len(alarms) / args.n
            print(f"{name:6} {ids:28} {len(alarms):7} {rate:7.3f}% {args.n / took:10.0f}")
            for score, who, caption in sorted(alarms, reverse=True)[: args.show]:
                print(f"         {score:.3f}  {who}  ~  {caption}")


if __name__ == "__main__":
    main()
