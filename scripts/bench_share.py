#!/usr/bin/env python3
"""Benchmark of partner bundles (issue 20): `crosscheck share` and `share open`.

Usage: bench_share.py [--records N] [--binary target/release/crosscheck] [--runs R]

In a temporary folder: makes a desk's and a partner's keys, then times
  1. the example case (examples/defector) bundled, encrypted to the partner, and opened;
  2. an invented case whose evidence file holds N records (default 100,000; the subject, her
     namesakes and strangers), bundled with `--evidence all` (every record in the bundle),
     encrypted, and opened; and the same case with the cited records only.
Prints one line per measure (best of R runs, wall clock) and the bundle sizes. Everything is
invented; nothing comes from real people or reference data.
"""
import argparse
import json
import os
import random
import subprocess
import tempfile
import time

SYL = ["ka", "ri", "mo", "sa", "le", "ni", "to", "va", "de", "lu", "po", "ra", "mi", "ko", "na", "ta"]
CITIES = ["Vologda", "Tver", "Kostroma", "Yaroslavl", "Vladimir", "Ryazan", "Kaluga", "Tula"]


def word(rng, n):
    return "".join(rng.choice(SYL) for _ in range(n)).capitalize()


def make_case(folder, n_records, seed=20):
    rng = random.Random(seed)
    os.makedirs(os.path.join(folder, "evidence"), exist_ok=True)
    with open(os.path.join(folder, "evidence", "registry.jsonl"), "w") as out:
        for idx in range(n_records):
            if idx % 1000 == 0:
                name, birth, place = "Olga Marchenko", "1979-04-02", "Vologda"
            else:
                name = f"{word(rng, 2)} {word(rng, 3)}"
                birth = f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                place = rng.choice(CITIES)
            record = {"id": f"reg-{idx}", "schema": "Person",
                      "properties": {"name": [name], "birthDate": [birth], "birthPlace": [place]}}
            out.write(json.dumps(record) + "\n")
    with open(os.path.join(folder, "case.yaml"), "w") as out:
        out.write(
            "case: bench-share\nas_of: 2024-11-01\n"
            "subject: {name: Olga Marchenko, birthDate: 1979-04-02, birthPlace: Vologda}\n"
            "sources:\n  - {key: A, group: colleagues, confirms: [subject.name], note: private}\n"
            "evidence:\n  - {file: evidence/registry.jsonl, origin: registry-2021, kind: government}\n")
    return os.path.join(folder, "case.yaml")


def timed(cmd, runs):
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--binary", default="target/release/crosscheck")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        for who in ["desk", "partner"]:
            subprocess.run([binary, "--data-dir", data, "keys", "new", "--out", os.path.join(tmp, who)],
                           check=True, stderr=subprocess.DEVNULL)
        sign = os.path.join(tmp, "desk", "desk.minisign.key")
        to = os.path.join(tmp, "partner", "desk.age.pub")
        trust = os.path.join(tmp, "desk", "desk.minisign.pub")
        identity = os.path.join(tmp, "partner", "desk.age")
        counter = [0]

        def share_and_open(label, case, extra):
            bundle = os.path.join(tmp, f"{label}.age")
            cmd = [binary, "--data-dir", data, "share", case, "--out", bundle, "--sign", sign, "--to", to] + extra
            took = timed(cmd, args.runs)
            print(f"share {label}: {took:.2f} s, bundle {os.path.getsize(bundle) / 1e6:.1f} MB")

            def open_cmd():
                counter[0] += 1
                return [binary, "share", "open", bundle, "--trust", trust, "--identity", identity,
                        "--out", os.path.join(tmp, f"opened-{counter[0]}")]
            best = min(timed(open_cmd(), 1) for _ in range(args.runs))
            print(f"share open {label}: {best:.2f} s")

        share_and_open("example", os.path.join(root, "examples", "defector", "case.yaml"), [])
        case = make_case(os.path.join(tmp, "big"), args.records)
        share_and_open(f"{args.records}-records-all", case, ["--evidence", "all"])
        share_and_open(f"{args.records}-records-cited", case, [])


if __name__ == "__main__":
    main()
