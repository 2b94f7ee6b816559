#!/usr/bin/env python3
"""Score name pairs with OpenSanctions' logic-v2 (nomenklatura), for BENCHMARKS.md.

Input: a CSV with columns name_latin, name_cyrillic, is_match (as written by
`cargo run --release -p crosscheck-names --example name_bench -- --dump /tmp/somewhere`), or the
nomenklatura name-bench cases file (columns name1, name2, is_match, schema).
Each pair becomes two single-name entities (schema Person unless a schema column says
otherwise), compared with LogicV2 under its default configuration, as nomenklatura's own name
bench does. Prints precision, recall and F1 at 0.7, the best recall at precision >= 0.99, and
microseconds per pair.

Setup (never committed): python3 -m venv /tmp/nkvenv && /tmp/nkvenv/bin/pip install nomenklatura==4.17.4
Run:   /tmp/nkvenv/bin/python scripts/bench_logic_v2_names.py /tmp/rp/rupep_pairs.csv
"""

import csv
import sys
import time

from followthemoney import model
from nomenklatura.matching.logic_v2.model import LogicV2
from nomenklatura.matching.types import ScoringConfig


def entity(schema, name, ident):
    data = {"id": ident, "schema": schema, "properties": {"name": [name]}}
    try:
        return model.get_proxy(data)
    except Exception:  # older followthemoney API
        from followthemoney.proxy import EntityProxy
        return EntityProxy.from_dict(model, data)


def main(path):
    config = ScoringConfig.defaults()
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    scores = []
    t0 = time.perf_counter()
    for i, row in enumerate(rows):
        a = row.get("name_latin") or row.get("name1")
        b = row.get("name_cyrillic") or row.get("name2")
        schema = row.get("schema") or "Person"
        truth = row["is_match"].strip().lower() == "true"
        ea, eb = entity(schema, a, f"a{i}"), entity(schema, b, f"b{i}")
        res = LogicV2.compare(ea, eb, config)
        scores.append((res.score, truth))
    dt = time.perf_counter() - t0

    def prf(t):
        tp = sum(1 for s, y in scores if y and s >= t)
        fp = sum(1 for s, y in scores if not y and s >= t)
        fn = sum(1 for s, y in scores if y and s < t)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    p, r, f = prf(0.7)
    best = (0.0, 0.0, 0.0)
    for k in range(30, 100):
        pp, rr, _ = prf(k / 100)
        if pp >= 0.99 and rr > best[1]:
            best = (k / 100, rr, pp)
    n_pos = sum(1 for _, y in scores if y)
    print(f"logic-v2 on {path}: {n_pos} positives, {len(scores) - n_pos} negatives")
    print(f"  @0.70: P {p:.4f} R {r:.4f} F1 {f:.4f}")
    print(f"  best recall at precision >= 0.99: threshold {best[0]:.2f}, R {best[1]:.4f}, P {best[2]:.4f}")
    exact = sum(1 for s, y in scores if y and s >= 1.0)
    print(f"  true pairs scored exactly 1.0: {exact}/{n_pos}")
    print(f"  {1e6 * dt / len(scores):.0f} µs per pair")


if __name__ == "__main__":
    main(sys.argv[1])
