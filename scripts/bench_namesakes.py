#!/usr/bin/env python3
"""Issue 13's benchmark: retrieval among namesakes, a baseline build and the current one side by side.

Usage (from the project root):
  git worktree add /tmp/cc-base-ns <commit> && (cd /tmp/cc-base-ns && cargo build --release -p crosscheck-cli)
  cargo build --release -p crosscheck-cli
  scripts/bench_namesakes.py [--baseline /tmp/cc-base-ns/target/release/crosscheck] [--current BIN]
                             [--n 1000000] [--repeat 3] [--out DIR]

The data is scripts/gen_namesakes.py's (N people, 2,000 queries that are copies of loaded people
without identifiers, and the id each query must find), generated into --out once and reused
while its manifest says the same N. Each round, for each binary in turn (baseline first, then
current, so the noise of a shared machine falls on both): `crosscheck load` of the people into a
fresh data dir, then `crosscheck match` of the queries, as a user runs them (JSON lines in, JSON
lines out, the default threshold and limit). Reported per binary: the share of queries whose own
record is the top result (and is among the results at all), screening speed for the whole
process (queries/s: start-up, reading, screening, writing), load time, and the ratios. Medians
over the rounds; the accuracy is the same every round (the engine is deterministic), which the
script checks.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def median(xs):
    return sorted(xs)[len(xs) // 2]


def timed(exe, args, stdout=subprocess.DEVNULL):
    start = time.perf_counter()
    proc = subprocess.run([exe] + args, stdout=stdout, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{exe} {' '.join(args[:4])}... exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return took


def ensure_data(out, n):
    data = os.path.join(out, f"namesakes-{n}")
    manifest = os.path.join(data, "manifest.json")
    if os.path.exists(manifest) and json.load(open(manifest)).get("people") == n:
        return data
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_namesakes.py"), data, "--n", str(n)],
                   check=True)
    return data


def accuracy(expected, results_path):
    """(queries, own record first, own record among the results)."""
    n = top = found = 0
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            answer = json.loads(line)
            ids = [r["id"] for r in answer["results"]]
            want = expected[answer["query_id"]]
            n += 1
            top += bool(ids) and ids[0] == want
            found += want in ids
    return n, top, found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", default="/tmp/cc-base-ns/target/release/crosscheck",
                    help="the build to compare against (skipped when absent)")
    ap.add_argument("--current", default=os.path.join(ROOT, "target", "release", "crosscheck"))
    ap.add_argument("--n", type=int, default=1_000_000, help="people to load")
    ap.add_argument("--repeat", type=int, default=3, help="alternating rounds")
    ap.add_argument("--out", default="/tmp/crosscheck-bench")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    builds = [(who, exe) for who, exe in (("baseline", args.baseline), ("current", args.current))
              if os.path.exists(exe)]
    if not any(who == "current" for who, _ in builds):
        sys.exit(f"no current build at {args.current}: cargo build --release -p crosscheck-cli")
    data = ensure_data(args.out, args.n)
    people, queries = os.path.join(data, "people.jsonl"), os.path.join(data, "queries.jsonl")
    with open(os.path.join(data, "expected.tsv"), encoding="utf-8") as f:
        expected = dict(line.rstrip("\n").split("\t") for line in f)
    times = {(who, what): [] for who, _ in builds for what in ("load", "match")}
    scores = {}
    for _ in range(args.repeat):
        for who, exe in builds:
            store = os.path.join(args.out, f"namesakes-store-{who}")
            subprocess.run(["rm", "-rf", store], check=True)
            times[(who, "load")].append(timed(exe, ["--data-dir", store, "load", "--dataset", "people", people]))
            results = os.path.join(args.out, f"namesakes-results-{who}.jsonl")
            with open(results, "w", encoding="utf-8") as out:
                times[(who, "match")].append(timed(exe, ["--data-dir", store, "match", "--dataset", "people",
                                                         "--input", queries], stdout=out))
            got = accuracy(expected, results)
            if scores.setdefault(who, got) != got:
                sys.exit(f"{who}: results changed between rounds ({scores[who]} then {got})")
    print(f"{args.n} people, {len(expected)} queries ({data}); medians of {args.repeat} alternating rounds")
    print(f"{'measure':<44} " + " ".join(f"{who:>10}" for who, _ in builds) + ("   ratio" if len(builds) == 2 else ""))
    rows = []
    for who, _ in builds:
        n, top, found = scores[who]
        match = median(times[(who, "match")])
        rows.append({"top": top / n, "found": found / n, "qps": n / match, "load": median(times[(who, "load")])})
    for key, label, fmt in (("top", "own record is the top result", "{:>10.2%}"),
                            ("found", "own record among the results", "{:>10.2%}"),
                            ("qps", "screening, whole process (queries/s)", "{:>10.0f}"),
                            ("load", f"load {args.n} people (s)", "{:>10.2f}")):
        line = f"{label:<44} " + " ".join(fmt.format(r[key]) for r in rows)
        if len(rows) == 2 and rows[0][key]:
            line += f"  {rows[1][key] / rows[0][key]:>6.2f}"
        print(line)
    for who, _ in builds:
        print(f"{who}: match " + ", ".join(f"{t:.2f}" for t in times[(who, "match")]) + " s; load "
              + ", ".join(f"{t:.2f}" for t in times[(who, "load")]) + " s")


if __name__ == "__main__":
    main()
