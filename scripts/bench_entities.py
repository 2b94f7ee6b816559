#!/usr/bin/env python3
"""The entity benchmark of issues 3 and 4: nomenklatura's `contrib_entity_bench_checks.yml`
(228 labelled query/candidate pairs, some with only name parts), scored by `crosscheck compare`
and, when nomenklatura is installed, by logic-v2 on the same pairs in the same run.

Usage (from the project root, after `cargo build --release -p crosscheck-cli`):
  scripts/bench_entities.py [--threshold 0.7] [--peer /tmp/nkvenv/bin/python]
Reference data: ../shared/data (or CROSSCHECK_REFERENCE_DATA); nothing is copied.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.environ.get("CROSSCHECK_REFERENCE_DATA", os.path.join(ROOT, "..", "shared", "data"))
EXE = os.path.join(ROOT, "target", "release", "crosscheck")

PEER = r'''
import json, sys
from followthemoney import model
from nomenklatura.matching.logic_v2.model import LogicV2
from nomenklatura.matching.types import ScoringConfig
config = ScoringConfig.defaults()
for line in sys.stdin:
    pair = json.loads(line)
    # ids unique per pair: logic-v2 caches what it computes per entity id, so reusing one id
    # for every pair scores each pair with the first pair's names (every score was ~0.93)
    a = model.get_proxy(dict(pair["left"], id=pair["id"] + "-left"), cleaned=False)
    b = model.get_proxy(dict(pair["right"], id=pair["id"] + "-right"), cleaned=False)
    print(json.dumps({"id": pair["id"], "score": LogicV2.compare(a, b, config).score}))
'''


def entity(schema, props):
    return {"schema": schema, "properties": {k: v if isinstance(v, list) else [str(v)] for k, v in props.items()}}


def f1(rows, threshold):
    tp = sum(1 for s, m in rows if s >= threshold and m)
    fp = sum(1 for s, m in rows if s >= threshold and not m)
    fn = sum(1 for s, m in rows if s < threshold and m)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=0.7)
    ap.add_argument("--scorer", default=None, help="scorer name or id (default: the build's default)")
    ap.add_argument("--peer", default="/tmp/nkvenv/bin/python")
    args = ap.parse_args()
    checks = yaml.safe_load(open(os.path.join(REF, "bench/nomenklatura/contrib_entity_bench_checks.yml")))["checks"]
    pairs, labels = [], {}
    for i, c in enumerate(checks):
        pid = f"c{i}"
        pairs.append({"id": pid, "left": entity(c["schema"], c["query"]), "right": entity(c["schema"], c["candidate"])})
        labels[pid] = bool(c["match"])
    stdin = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs)
    start = time.perf_counter()
    scorer = ["--scorer", args.scorer] if args.scorer else []
    out = subprocess.run([EXE, "compare", "--threshold", str(args.threshold)] + scorer, input=stdin, capture_output=True, text=True)
    ours_s = time.perf_counter() - start
    ours = [(json.loads(l)["score"], labels[json.loads(l)["id"]]) for l in out.stdout.splitlines()]
    p, r, f = f1(ours, args.threshold)
    print(f"crosscheck: {len(ours)} pairs, P {p:.3f} R {r:.3f} F1 {f:.3f} at {args.threshold} ({ours_s:.2f} s whole process)")
    misses = [(pairs[int(json.loads(l)['id'][1:])], json.loads(l)["score"]) for l in out.stdout.splitlines()
              if (json.loads(l)["score"] >= args.threshold) != labels[json.loads(l)["id"]]]
    for pair, score in misses:
        print(f"  miss {score:.2f} {labels[pair['id']]}: {pair['left']['properties']} | {pair['right']['properties']}")
    if os.path.exists(args.peer):
        start = time.perf_counter()
        peer = subprocess.run([args.peer, "-c", PEER], input=stdin, capture_output=True, text=True)
        peer_s = time.perf_counter() - start
        rows = [(json.loads(l)["score"], labels[json.loads(l)["id"]]) for l in peer.stdout.splitlines()]
        if rows:
            p, r, f = f1(rows, 0.7)
            print(f"logic-v2:   {len(rows)} pairs, P {p:.3f} R {r:.3f} F1 {f:.3f} at 0.7 ({peer_s:.2f} s whole process)")
        else:
            print("logic-v2 failed:", peer.stderr[-400:], file=sys.stderr)


if __name__ == "__main__":
    main()
