#!/usr/bin/env python3
"""The peer of `bench_screening.py yente`: OpenSanctions' logic-v2 scoring every query against
every person of a dataset by brute force (no candidate index, so its recall is an upper bound).

It reads the same query files `bench_screening.py` writes and the entities crosscheck stored
(`DATA/datasets/NAME/<CURRENT>/entities.jsonl`), so both sides see the same records.

Setup (never committed): python3 -m venv /tmp/nkvenv && /tmp/nkvenv/bin/pip install nomenklatura==4.17.4
Run:   /tmp/nkvenv/bin/python scripts/bench_logic_v2_screening.py DATA_DIR DATASET QUERIES.jsonl [--limit N]
Prints how many queries raise a match (score >= 0.7) and the time per pair.
"""
import argparse
import json
import os
import time

from followthemoney import model
from nomenklatura.matching.logic_v2.model import LogicV2
from nomenklatura.matching.types import ScoringConfig


def proxy(data):
    props = {k: v for k, v in data.get("properties", {}).items()}
    try:
        return model.get_proxy({"id": data.get("id") or "q", "schema": data.get("schema", "Person"), "properties": props}, cleaned=False)
    except Exception:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir")
    ap.add_argument("dataset")
    ap.add_argument("queries")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    base = os.path.join(args.data_dir, "datasets", args.dataset)
    version = open(os.path.join(base, "CURRENT")).read().strip()
    candidates = []
    for line in open(os.path.join(base, version, "entities.jsonl"), encoding="utf-8"):
        e = json.loads(line)
        if e["schema"] in ("Person", "LegalEntity"):
            p = proxy(e)
            if p is not None:
                candidates.append(p)
    config = ScoringConfig.defaults()
    n = hits = pairs = 0
    start = time.perf_counter()
    for line in open(args.queries, encoding="utf-8"):
        if args.limit and n >= args.limit:
            break
        q = proxy(json.loads(line))
        n += 1
        if q is None:
            continue
        for c in candidates:
            pairs += 1
            if LogicV2.compare(q, c, config).score >= 0.7:
                hits += 1
                break
    took = time.perf_counter() - start
    print(f"logic-v2 {args.dataset} {os.path.basename(args.queries)}: {hits}/{n} = {hits / max(n, 1):.4f} raised a match; "
          f"{pairs} pairs in {took:.0f} s = {1e6 * took / max(pairs, 1):.0f} us/pair")


if __name__ == "__main__":
    main()
