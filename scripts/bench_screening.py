#!/usr/bin/env python3
"""Screening benchmarks of issue 3, run side by side with their peers in one process tree.

Usage (from the project root, after `cargo build --release -p crosscheck-cli`):
  scripts/bench_screening.py yente [--out DIR]   UN positives (clean, perturbed) and the negatives
                                                 against the UN, EU, OFAC and INTERPOL lists
  scripts/bench_screening.py scale [--n N] [--repeat R] [--out DIR]
                                                 load N synthetic entities (scripts/gen_ftm.py)
                                                 beside Python's json parse of the same file, then
                                                 2,000 screening queries against them
  scripts/bench_screening.py compare [--pairs P] [--repeat R] [--out DIR]
                                                 `crosscheck compare` on P pairs drawn from the
                                                 synthetic file, beside Python's json.loads +
                                                 json.dumps of the same lines (the I/O floor)

Reference data is read from ../shared/data (or CROSSCHECK_REFERENCE_DATA); nothing is copied
into the project. Working files go to --out (default /tmp/crosscheck-bench).
"""
import argparse
import csv
import glob
import json
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = os.path.join(ROOT, "target", "release", "crosscheck")
REF = os.environ.get("CROSSCHECK_REFERENCE_DATA", os.path.join(ROOT, "..", "shared", "data"))


def run(args, stdin=None, stdout=None):
    """Runs crosscheck; returns (seconds, peak RSS of the child in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([EXE] + args, stdin=stdin, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"crosscheck {' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return took, max(peak, before) / 1024


def person_queries(csv_path, out_path, limit=None):
    """PersonRecord CSV (yente benchmark fixtures) -> FtM query lines. Returns the count."""
    n = 0
    with open(csv_path, newline="", encoding="utf-8") as f, open(out_path, "w", encoding="utf-8") as out:
        for i, row in enumerate(csv.DictReader(f)):
            if limit and n >= limit:
                break
            props = {}
            for col, prop in (("full_name", "name"), ("first_name", "firstName"), ("middle_name", "middleName"),
                              ("last_name", "lastName"), ("gender", "gender"), ("date_of_birth", "birthDate"),
                              ("place_of_birth", "birthPlace"), ("nationality", "nationality")):
                if row.get(col, "").strip():
                    props[prop] = [row[col].strip()]
            out.write(json.dumps({"id": f"row-{i + 2}", "schema": "Person", "properties": props}, ensure_ascii=False) + "\n")
            n += 1
    return n


SCORER = []  # `--scorer NAME` when given on the command line


def match_rate(data, datasets, queries, results_path):
    args = ["--data-dir", data, "match", "--input", queries] + SCORER
    for d in datasets:
        args += ["--dataset", d]
    with open(results_path, "w") as out:
        took, rss = run(args, stdout=out)
    n = hits = 0
    for line in open(results_path):
        n += 1
        hits += any(r["match"] for r in json.loads(line)["results"])
    return n, hits, took, rss


def yente(out):
    data = os.path.join(out, "data")
    lists = {
        "un": ["--format", "un-xml", os.path.join(REF, "watchlists/un_sc/consolidated_un_2025-04-19.xml")],
        "eu": ["--format", "eu-journal"] + sorted(glob.glob(os.path.join(REF, "watchlists/eu_journal_sanctions/consolidated/*.csv"))),
        "ofac": ["--format", "ofac-sdn", os.path.join(REF, "watchlists/ofac_sdn/sdn_2024-05-03.csv")],
        "interpol": ["--format", "opensanctions-simple",
                     os.path.join(REF, "watchlists/opensanctions_exports/interpol_red_notices_targets.simple.csv")],
    }
    for name, args in lists.items():
        took, _ = run(["--data-dir", data, "load", "--dataset", name] + args)
        print(f"loaded {name} in {took:.1f} s")
    report = {}
    for kind in ("untreated", "treated"):
        q = os.path.join(out, f"positives_{kind}.jsonl")
        person_queries(os.path.join(REF, f"bench/yente/positives_un_{kind}.csv"), q)
        n, hits, took, _ = match_rate(data, ["un"], q, os.path.join(out, f"positives_{kind}.results.jsonl"))
        report[f"positives_un_{kind}"] = (hits, n)
        print(f"UN positives {kind}: {hits}/{n} = {hits / n:.4f} matched ({took:.2f} s)")
    q = os.path.join(out, "negatives.jsonl")
    person_queries(os.path.join(REF, "bench/yente/negatives_global_dev.csv"), q)
    for name in lists:
        n, hits, took, _ = match_rate(data, [name], q, os.path.join(out, f"negatives_{name}.results.jsonl"))
        report[f"negatives_{name}"] = (hits, n)
        print(f"negatives against {name}: {hits}/{n} = {100 * hits / n:.3f}% raised a match ({took:.2f} s, {n / took:.0f} queries/s)")
    return report


def scale(out, n, repeat):
    data = os.path.join(out, "scale-data")
    src = os.path.join(out, f"gen{n}.jsonl")
    queries = os.path.join(out, f"gen{n}-queries.jsonl")
    if not os.path.exists(src):
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_ftm.py"), str(n), src, "--queries", "2000", queries], check=True)
    # The machine is shared and noisy: alternate the two, several rounds, and report medians.
    ours, peers, rsss = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import json\nfor l in open({src!r}, encoding='utf-8'): json.loads(l)"], check=True)
        peers.append(time.perf_counter() - start)
        subprocess.run(["rm", "-rf", data], check=True)
        took, rss = run(["--data-dir", data, "load", "--dataset", "gen", src])
        ours.append(took)
        rsss.append(rss)
    took, py = sorted(ours)[len(ours) // 2], sorted(peers)[len(peers) // 2]
    print(f"load {n} entities, median of {repeat} alternating rounds: crosscheck {took:.2f} s "
          f"(all: {', '.join(f'{t:.2f}' for t in ours)}; peak RSS {max(rsss):.0f} MB); Python json parse {py:.2f} s "
          f"(all: {', '.join(f'{t:.2f}' for t in peers)}); ratio {took / py:.2f}")
    results = os.path.join(out, "gen-results.jsonl")
    args = ["--data-dir", data, "match", "--dataset", "gen", "--input", queries]
    with open(results, "w") as f:
        took, rss = run(args, stdout=f)
    found = total = 0
    for q, r in zip(open(queries), open(results)):
        total += 1
        found += json.loads(q)["id"] in [x["id"] for x in json.loads(r)["results"] if x["match"]]
    print(f"screening: {total} queries in {took:.2f} s = {total / took:.0f} queries/s (whole process, peak RSS {rss:.0f} MB); "
          f"{found}/{total} found their own entity")


def median(xs):
    return sorted(xs)[len(xs) // 2]


def compare_floor(out, n_pairs, repeat):
    """Issue 4's I/O floor: `crosscheck compare` against Python parsing and re-serialising."""
    src = os.path.join(out, "gen200000.jsonl")
    if not os.path.exists(src):
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_ftm.py"), "200000", src], check=True)
    entities = [json.loads(line) for line in open(src, encoding="utf-8")]
    pairs = os.path.join(out, f"pairs{n_pairs}.jsonl")
    rng = __import__("random").Random(7)
    with open(pairs, "w", encoding="utf-8") as f:
        for i in range(n_pairs):
            left = rng.choice(entities)
            if i % 3 == 0:
                # a true pair: the same entity under its alias or in "LAST, First" order
                right = json.loads(json.dumps(left))
                props = right["properties"]
                names = props.get("alias") or [", ".join(reversed(props["name"][0].split(" ", 1)))]
                props["name"] = names[:1]
                right["id"] = left["id"] + "-copy"
            else:
                right = rng.choice(entities)
            f.write(json.dumps({"id": f"p{i}", "left": left, "right": right}, ensure_ascii=False) + "\n")
    floor = f"import json, sys\nout = open(os.devnull, 'w')\nfor l in open({pairs!r}, encoding='utf-8'): out.write(json.dumps(json.loads(l)) + '\\n')"
    ours, peers = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import os\n" + floor], check=True)
        peers.append(time.perf_counter() - start)
        took, _ = run(["compare", "--input", pairs], stdout=subprocess.DEVNULL)
        ours.append(took)
    took, py = median(ours), median(peers)
    print(f"compare {n_pairs} pairs, median of {repeat} alternating rounds: crosscheck {took:.2f} s "
          f"(all: {', '.join(f'{t:.2f}' for t in ours)}); Python json.loads + json.dumps {py:.2f} s "
          f"(all: {', '.join(f'{t:.2f}' for t in peers)}); ratio {took / py:.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["yente", "scale", "compare"])
    ap.add_argument("--out", default="/tmp/crosscheck-bench")
    ap.add_argument("--scorer", help="scorer name or id for match (yente); default: the build's default")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="alternating rounds of ours and the peer's (scale, compare)")
    ap.add_argument("--pairs", type=int, default=100_000, help="pairs to compare (compare)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if not os.path.exists(EXE):
        sys.exit("build first: cargo build --release -p crosscheck-cli")
    if args.what == "yente":
        if args.scorer:
            SCORER.extend(["--scorer", args.scorer])
        yente(args.out)
    elif args.what == "compare":
        compare_floor(args.out, args.pairs, args.repeat)
    else:
        scale(args.out, args.n, args.repeat)


if __name__ == "__main__":
    main()
