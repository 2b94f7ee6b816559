#!/usr/bin/env python3
"""Two builds of crosscheck side by side: does a change cost speed?

Runs the same work with a baseline binary and the current one, alternating round by round so
that the noise of a shared machine falls on both, and prints medians and the ratio (current /
baseline; below 1 is faster). The work: a load of N synthetic FtM entities (scripts/gen_ftm.py),
2,000 screening queries against them, `compare` on 100,000 pairs drawn from them, and `verify`
of the example case.

Usage (from the project root):
  git worktree add /tmp/cc-base <commit> && (cd /tmp/cc-base && cargo build --release -p crosscheck-cli)
  cargo build --release -p crosscheck-cli
  scripts/bench_versions.py /tmp/cc-base/target/release/crosscheck [--n 1000000] [--repeat 3]
"""
import argparse, json, os, random, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(exe, args, stdout=subprocess.DEVNULL):
    start = time.perf_counter()
    proc = subprocess.run([exe] + args, stdout=stdout, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{exe} {' '.join(args[:4])}... exited {proc.returncode}: {proc.stderr.decode()[-400:]}")
    return took


def median(xs):
    return sorted(xs)[len(xs) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("baseline", help="the crosscheck binary to compare against")
    ap.add_argument("current", nargs="?", default=os.path.join(ROOT, "target", "release", "crosscheck"))
    ap.add_argument("--n", type=int, default=1_000_000, help="synthetic entities to load")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default="/tmp/crosscheck-bench")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    src = os.path.join(args.out, f"gen{args.n}.jsonl")
    queries = os.path.join(args.out, f"gen{args.n}-queries.jsonl")
    if not os.path.exists(src) or not os.path.exists(queries):
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_ftm.py"), str(args.n), src,
                        "--queries", "2000", queries], check=True)
    pairs = os.path.join(args.out, "versions-pairs.jsonl")
    if not os.path.exists(pairs):
        rng = random.Random(7)
        entities = []
        with open(src, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= 200_000:
                    break
                entities.append(json.loads(line))
        with open(pairs, "w", encoding="utf-8") as f:
            for i in range(100_000):
                left, right = rng.choice(entities), rng.choice(entities)
                f.write(json.dumps({"id": f"p{i}", "left": left, "right": right}, ensure_ascii=False) + "\n")
    case = os.path.join(ROOT, "examples", "defector", "case.yaml")
    times = {(who, what): [] for who in ("baseline", "current") for what in ("load", "match", "compare", "verify")}
    for _ in range(args.repeat):
        for who, exe in (("baseline", args.baseline), ("current", args.current)):
            data = os.path.join(args.out, f"versions-{who}")
            subprocess.run(["rm", "-rf", data], check=True)
            times[(who, "load")].append(timed(exe, ["--data-dir", data, "load", "--dataset", "gen", src]))
            times[(who, "match")].append(timed(exe, ["--data-dir", data, "match", "--dataset", "gen", "--input", queries]))
            times[(who, "compare")].append(timed(exe, ["compare", "--input", pairs]))
            took = [timed(exe, ["--data-dir", data + "-case", "verify", case, "--output-format", "json"]) for _ in range(10)]
            times[(who, "verify")].append(median(took))
    print(f"{'measure':<40} {'baseline':>10} {'current':>10} {'ratio':>6}")
    for what, label in (("load", f"load {args.n} entities (s)"), ("match", "2,000 screening queries (s)"),
                        ("compare", "compare 100,000 pairs (s)"), ("verify", "verify the example case (s)")):
            b, c = median(times[("baseline", what)]), median(times[("current", what)])
            print(f"{label:<40} {b:>10.3f} {c:>10.3f} {c / b:>6.2f}")
    print(f"(medians of {args.repeat} alternating rounds; verify: the median of 10 runs per round)")


if __name__ == "__main__":
    main()
