#!/usr/bin/env python3
"""`crosscheck compare` on Latin/Cyrillic person pairs (issue 13), against a floor of Python.

Builds N compare pairs in a temporary folder from the shared rupep file
(`cross_script/rupep_persons_2022.csv`: NAME_EN against NAME_RU, with DOB as birthDate on both
sides when the row has one; rows are cycled, and every other pair takes the Cyrillic name of
another row so that half the pairs are different people), then times, alternating round by
round so that the noise of a shared machine falls on each alike:

- each `crosscheck compare` binary given (the release build of this tree by default; pass a
  baseline first to compare two builds, e.g. one built from main in a worktree);
- Python's `json` reading the same input and writing one answer line per pair (the floor: what
  reading and writing the lines costs a program that scores nothing).

The pairs hold personal data: they are written to a temporary folder, never into the project,
and removed at the end.

Usage (from the project root):
  cargo build --release -p crosscheck-cli
  scripts/bench_compare_cross_script.py [BASELINE_BINARY] [--n 100000] [--repeat 5]
"""
import argparse, csv, json, os, resource, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def data_root():
    return os.environ.get("CROSSCHECK_REFERENCE_DATA") or os.path.join(os.path.dirname(ROOT), "shared", "data")


def dob_iso(text):
    parts = text.strip().split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[2]}-{parts[1]}-{parts[0]}"
    return None


def person(name, dob):
    props = {"name": [name]}
    if dob:
        props["birthDate"] = [dob]
    return {"schema": "Person", "properties": props}


def build_pairs(path, n):
    rows = []
    with open(os.path.join(data_root(), "cross_script", "rupep_persons_2022.csv"), encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            en, ru = rec["NAME_EN"].strip(), rec["NAME_RU"].strip()
            if en and ru:
                rows.append((en, ru, dob_iso(rec["DOB"])))
    if not rows:
        sys.exit("rupep_persons_2022.csv holds no rows with both names")
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            en, _, dob = rows[i % len(rows)]
            # every other pair: another row's Cyrillic name (and birth date)
            other = rows[(i * 7919 + 1) % len(rows)] if i % 2 else rows[i % len(rows)]
            pair = {"id": f"p{i}", "left": person(en, dob), "right": person(other[1], other[2])}
            out.write(json.dumps(pair, ensure_ascii=False) + "\n")


PY_FLOOR = r"""
import json, sys
out = sys.stdout
for line in sys.stdin:
    pair = json.loads(line)
    out.write(json.dumps({"id": pair["id"], "score": 0.0, "match": False, "explanation": {}}) + "\n")
"""


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd, src):
    """(wall seconds, CPU seconds of the child): on a shared machine the CPU time is the steadier."""
    with open(src, "rb") as f:
        cpu0 = cpu_children()
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        took = time.perf_counter() - start
        cpu = cpu_children() - cpu0
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} exited {proc.returncode}: {proc.stderr.decode()[-400:]}")
    return took, cpu


def median(xs):
    return sorted(xs)[len(xs) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binaries", nargs="*", help="crosscheck binaries (default: this tree's release build)")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    binaries = args.binaries or [os.path.join(ROOT, "target", "release", "crosscheck")]
    with tempfile.TemporaryDirectory(prefix="cc-cross-script-") as tmp:
        src = os.path.join(tmp, "pairs.jsonl")
        build_pairs(src, args.n)
        runs = {b: [] for b in binaries}
        floor = []
        for _ in range(args.repeat):
            for b in binaries:
                runs[b].append(timed([b, "compare"], src))
            floor.append(timed([sys.executable, "-c", PY_FLOOR], src))
        print(f"compare on {args.n:,} Latin/Cyrillic person pairs (rupep, with birth dates), "
              f"median of {args.repeat} alternating rounds:")
        print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end)")
        for b in binaries:
            wall, cpu = median([r[0] for r in runs[b]]), median([r[1] for r in runs[b]])
            print(f"  {b}: {wall:.2f} s wall ({args.n / wall:,.0f} pairs/s), {cpu:.2f} s CPU; "
                  f"wall runs {', '.join(f'{t[0]:.2f}' for t in runs[b])}")
        wall, cpu = median([r[0] for r in floor]), median([r[1] for r in floor])
        print(f"  python json read + write only: {wall:.2f} s wall ({args.n / wall:,.0f} pairs/s), {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
