#!/usr/bin/env python3
"""Issue 18's benchmarks: `crosscheck xref` beside Splink 5.0, in one session, on the same data.

Usage (from the project root):
  python3 -m venv target/venv-splink && target/venv-splink/bin/pip install 'splink==5.*'
  cargo build --release -p crosscheck-cli
  scripts/bench_xref.py h50k|febrl3|febrl4|all [--systems crosscheck,splink] [--bin BIN]
                        [--splink-python PY] [--threads 2] [--scorer NAME] [--threshold T] [--min-score S] [--out DIR]
  scripts/bench_xref.py people [--n 1000000] [--copies 10000] [--top 6] [--timeout S] [--out DIR] [--bin BIN]
  scripts/bench_xref.py metrics h50k|febrl3|febrl4 --clusters FILE   (score a clusters file only)
  scripts/bench_xref.py selftest   (the metrics on invented records)

Sets (reference data in $CROSSCHECK_REFERENCE_DATA, else ../shared/data):
  h50k    Splink's 50k historical figures (`linkage/historical_figures_with_errors_50k.csv`),
          dedupe; truth: the `cluster` column.
  febrl3  FEBRL 3 (`linkage/febrl/dataset3.csv`), dedupe; febrl4: FEBRL 4 (`dataset4a.csv`
          against `dataset4b.csv`), link. Truth: `rec-N-org` and `rec-N-dup-K` share N.
  people  scripts/gen_xref_people.py's N synthetic namesake-dense people with planted copies.

crosscheck: each CSV is loaded with `scripts/xref_mappings/*.yml` into a fresh data dir (the load
timed apart), then `crosscheck xref --dataset A [--against B] --output PAIRS --clusters CLUSTERS`
is timed (wall seconds, and peak RSS from GNU time, `/usr/bin/time -f %M`). The
loader makes each entity's id `DATASET-` + the first 20 hex digits of SHA-1 of the id column, so
the script maps ids back to the records' own ids the same way.

Splink: run in the venv's Python (`--splink-python`, default target/venv-splink/bin/python) by
this same file (`_splink` subcommand), DuckDB backend with `threads` set to --threads. Its
settings are copied from Splink's own documentation examples (docs/demos/examples/duckdb/ in
github.com/moj-analytical-services/splink, read at commit e22dacdda967, Aug 2026):
  h50k    deduplicate_50k_synthetic.nb.py: its 10 blocking rules, its comparisons
          (ForenameSurnameComparison with the concatenated column and term frequencies,
          DateOfBirthComparison, PostcodeComparison, ExactMatch birth_place and occupation with
          term frequencies), its training (probability two random records match from 3 rules at
          recall 0.6, u by random sampling of 1e7 pairs, EM blocked on first_name+surname, then on
          dob), predict() without threshold, clusters at 0.95 (the example's threshold).
  febrl3  febrl3.nb.py: its 5 blocking rules, comparisons (NameComparison given_name and surname,
          DateOfBirthComparison %Y%m%d, DamerauLevenshtein soc_sec_id [2], ExactMatch
          street_number and postcode with term frequencies), its training (3 deterministic rules
          at recall 0.9, u from 1e6 pairs with seed 2, EM on date_of_birth then postcode),
          predict(threshold_match_probability=0.2). The example does not cluster: 0.9 is used.
  febrl4  febrl4.nb.py: its 7 blocking rules and the "detailed model" (NameComparison with
          term frequencies, DateOfBirthComparison with invalid dates as null, DamerauLevenshtein
          soc_sec_id [1, 2], ExactMatch street_number, DamerauLevenshtein postcode [1, 2] with term
          frequencies), its training (2 deterministic rules at recall 0.8, u from 1e6 pairs, EM on
          date_of_birth then postcode), predict(threshold_match_probability=0.2), clusters at 0.99
          (the example's threshold).
  Each set's Splink is also clustered at 0.9 (the threshold issue 18 quotes Splink's 0.83 at),
  from the same predictions; that extra clustering is timed apart. The data is read as the
  examples read it (pyarrow CSV with empty strings as null; FEBRL's column names stripped and
  date_of_birth, soc_sec_id, postcode cast to trimmed text, as the examples' SQL does; the 50k
  set's columns all as text, as in the example's parquet). The one liberty: a seed for the 50k
  example's u sampling (seed=1), so that runs repeat.
  Splink's seconds are the pipeline (reading the CSV to the clusters at the example's
  threshold) and the whole process (with Python's start-up and imports).

Metrics, for both, from the cluster assignments against the truth (a record a system leaves out
of its clusters counts as a cluster of one, and is reported): pairwise precision, recall and F1
of the pairs of records put in one cluster; B-cubed precision, recall and F1 (per record: the
share of its cluster in its true cluster, and of its true cluster in its cluster, averaged); the
number of clusters. For crosscheck also the candidate pairs scored (from its stderr summary), and
the share of the true pairs among the pairs it wrote (score at least half the threshold), and
among all its candidate pairs (the share its blocking reaches: a second, untimed run with
`--min-score 0`, which writes every candidate pair scored). For Splink on the 50k set (predict() without threshold returns every blocked pair) the
share of true pairs its blocking reaches.

Python 3.11, standard library only (Splink's side runs in its venv).
"""
import argparse
import csv
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.environ.get("CROSSCHECK_REFERENCE_DATA", os.path.join(ROOT, "..", "shared", "data"))
MAPPINGS = os.path.join(ROOT, "scripts", "xref_mappings")
DEFAULT_BIN = os.path.join(ROOT, "target", "release", "crosscheck")
DEFAULT_SPLINK_PY = os.path.join(ROOT, "target", "venv-splink", "bin", "python")

# name: (files as (dataset, path under REF), mapping, record id column, link?)
SETS = {
    "h50k": ([("h50k", "linkage/historical_figures_with_errors_50k.csv")], "historical_50k.yml", "unique_id", False),
    "febrl3": ([("febrl3", "linkage/febrl/dataset3.csv")], "febrl.yml", "rec_id", False),
    "febrl4": ([("febrl4a", "linkage/febrl/dataset4a.csv"), ("febrl4b", "linkage/febrl/dataset4b.csv")],
               "febrl.yml", "rec_id", True),
}
# The example's clustering threshold, then 0.9 (issue 18's reference point).
SPLINK_THRESHOLDS = {"h50k": [0.95, 0.9], "febrl3": [0.9], "febrl4": [0.99, 0.9]}
EXAMPLE_CLUSTERS = {"h50k": True, "febrl3": False, "febrl4": True}  # whether the example clusters


# ---------------------------------------------------------------- running and measuring

def run_measured(cmd, stdout=subprocess.DEVNULL, env=None, timeout=None):
    """Runs `cmd`; (wall seconds, peak RSS in MiB, stderr text). Exits on failure.

    The peak RSS is GNU time's (`/usr/bin/time -f %M`): the kernel's count for a child forked from
    this script starts at this script's own size, so `wait4` here would overstate a small child."""
    rss_file = None
    if os.path.exists("/usr/bin/time"):
        fd, rss_file = tempfile.mkstemp(prefix="rss-")
        os.close(fd)
        cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the session started above: the command and GNU time
        _, err = proc.communicate()
        sys.exit(f"{' '.join(cmd[5:9])} ... did not finish in {timeout} s (stopped); its stderr:\n"
                 f"{err.decode('utf-8', 'replace')[-2000:]}")
    took = time.perf_counter() - start
    err = err.decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd[:10])} ... exited {proc.returncode}:\n{err[-2000:]}")
    if rss_file:
        with open(rss_file) as f:
            rss = int(f.read().split()[-1]) / 1024
        os.remove(rss_file)
    else:
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # an upper bound
    return took, rss, err


def entity_id(dataset, record_id):
    """The id `crosscheck load --mapping` gives a row whose id column holds `record_id`."""
    return f"{dataset}-{hashlib.sha1(record_id.strip().encode()).hexdigest()[:20]}"


def read_csv_rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, skipinitialspace=True))


def truth_of(set_name):
    """{(dataset, record id): true cluster} and {(dataset, entity id): (dataset, record id)}."""
    files, _, id_col, _ = SETS[set_name]
    truth, by_entity = {}, {}
    for dataset, rel in files:
        for row in read_csv_rows(os.path.join(REF, rel)):
            rid = row[id_col].strip()
            label = row["cluster"] if set_name == "h50k" else re.match(r"^([^-]+-[^-]+)", rid).group(1)
            truth[(dataset, rid)] = label
            by_entity[(dataset, entity_id(dataset, rid))] = (dataset, rid)
    return truth, by_entity


# ---------------------------------------------------------------- metrics

def pairs2(n):
    return n * (n - 1) // 2


def cluster_metrics(assigned, truth):
    """Pairwise and B-cubed precision/recall/F1 of `assigned` ({record: cluster label}) against
    `truth` ({record: true label}); records missing from `assigned` are clusters of one."""
    missing = [r for r in truth if r not in assigned]
    extra = [r for r in assigned if r not in truth]
    pred = {r: assigned.get(r, ("single", r)) for r in truth}
    pred_sizes = Counter(pred.values())
    true_sizes = Counter(truth.values())
    cells = Counter((pred[r], truth[r]) for r in truth)
    tp = sum(pairs2(n) for n in cells.values())
    pred_pairs = sum(pairs2(n) for n in pred_sizes.values())
    true_pairs = sum(pairs2(n) for n in true_sizes.values())
    p = tp / pred_pairs if pred_pairs else 1.0
    r = tp / true_pairs if true_pairs else 1.0
    bp = sum(cells[(pred[x], truth[x])] / pred_sizes[pred[x]] for x in truth) / len(truth)
    br = sum(cells[(pred[x], truth[x])] / true_sizes[truth[x]] for x in truth) / len(truth)
    f1 = lambda a, b: 2 * a * b / (a + b) if a + b else 0.0
    return {"pairwise_precision": p, "pairwise_recall": r, "pairwise_f1": f1(p, r),
            "bcubed_precision": bp, "bcubed_recall": br, "bcubed_f1": f1(bp, br),
            "clusters": len(pred_sizes), "true_clusters": len(true_sizes), "records": len(truth),
            "true_pairs": true_pairs, "clustered_pairs": pred_pairs, "missing": len(missing), "extra": len(extra)}


def true_pair_share(pairs, truth, link):
    """Share of the true pairs found among `pairs` (iterable of (record, record))."""
    seen = set()
    for a, b in pairs:
        if link and a[0] == b[0]:
            continue
        if a in truth and b in truth and truth[a] == truth[b] and a != b:
            seen.add((a, b) if a < b else (b, a))
    by_label = defaultdict(list)
    for rec, label in truth.items():
        by_label[label].append(rec)
    total = 0
    for members in by_label.values():
        if link:
            per = Counter(d for d, _ in members)
            total += pairs2(len(members)) - sum(pairs2(n) for n in per.values())
        else:
            total += pairs2(len(members))
    return len(seen) / total if total else 1.0, len(seen), total


def read_crosscheck_clusters(path, by_entity):
    """{record: cluster id} from `xref --clusters` output; checks it is a partition."""
    assigned = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            c = json.loads(line)
            if c["size"] != len(c["members"]):
                sys.exit(f"{path}:{n}: size {c['size']} but {len(c['members'])} members")
            for m in c["members"]:
                rec = by_entity.get((m["dataset"], m["id"]), (m["dataset"], m["id"]))
                if rec in assigned:
                    sys.exit(f"{path}:{n}: {m['dataset']}:{m['id']} is in two clusters")
                assigned[rec] = c["cluster"]
    return assigned


def read_pairs(path, by_entity):
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            a = by_entity.get((p["left"]["dataset"], p["left"]["id"]))
            b = by_entity.get((p["right"]["dataset"], p["right"]["id"]))
            if a and b:
                yield a, b


def summary_number(text, *words):
    """The number written before (or just after) one of `words` in the stderr summary, else None."""
    for w in words:
        m = re.search(r"(\d[\d,_]*)[ \t]+" + w, text) or re.search(w + r"(?: scored)?\s*[:=]?\s*(\d[\d,_]*)", text)
        if m:
            return int(re.sub(r"[^\d]", "", m.group(1)))
    return None


# ---------------------------------------------------------------- crosscheck

def xref_help(binary):
    proc = subprocess.run([binary, "xref", "--help"], capture_output=True, text=True)
    return proc.stdout if proc.returncode == 0 else None


def xref_options(args):
    """The xref options the bench passes on: --scorer, --threshold and --min-score when given."""
    opts = ["--scorer", args.scorer] if args.scorer else []
    if args.threshold is not None:
        opts += ["--threshold", str(args.threshold)]
    if args.min_score is not None:
        opts += ["--min-score", str(args.min_score)]
    return opts


def run_crosscheck(set_name, args, work):
    files, mapping, _, link = SETS[set_name]
    help_text = xref_help(args.bin)
    if help_text is None:
        sys.exit(f"{args.bin} has no `xref` subcommand yet")
    data = os.path.join(work, f"data-{set_name}")
    shutil.rmtree(data, ignore_errors=True)
    load_s = 0.0
    for dataset, rel in files:
        took, _, err = run_measured([args.bin, "--data-dir", data, "load", "--format", "csv", "--mapping",
                                     os.path.join(MAPPINGS, mapping), "--dataset", dataset,
                                     os.path.join(REF, rel)])
        load_s += took
        rejected = summary_number(err, "rejected")
        if rejected:
            print(f"warning: {dataset}: {rejected} rows rejected", file=sys.stderr)
    pairs_path = os.path.join(work, f"{set_name}.pairs.jsonl")
    clusters_path = os.path.join(work, f"{set_name}.clusters.jsonl")
    cmd = [args.bin, "--data-dir", data, "xref", "--dataset", files[0][0]]
    if link:
        cmd += ["--against", files[1][0]]
    cmd += ["--output", pairs_path, "--clusters", clusters_path]
    cmd += xref_options(args)
    candidates_path = None
    if "--candidates" in help_text:
        candidates_path = os.path.join(work, f"{set_name}.candidates.jsonl")
        cmd += ["--candidates", candidates_path]
    env = dict(os.environ, RAYON_NUM_THREADS=str(args.threads))
    took, rss, err = run_measured(cmd, env=env, timeout=args.timeout)
    truth, by_entity = truth_of(set_name)
    metrics = cluster_metrics(read_crosscheck_clusters(clusters_path, by_entity), truth)
    share, _, _ = true_pair_share(read_pairs(pairs_path, by_entity), truth, link)
    row = {"system": "crosscheck xref", "seconds": took, "peak_rss_mib": rss, "load_seconds": load_s,
           "candidates": summary_number(err, "candidate pairs", "candidates"),
           "true_pairs_in_written_pairs": share, **metrics, "stderr": err.strip()}
    if candidates_path and os.path.exists(candidates_path):
        row["true_pairs_in_candidates"], _, _ = true_pair_share(read_pairs(candidates_path, by_entity), truth, link)
    elif "--min-score" in help_text:
        # every candidate pair scored, written by a second run (untimed): the share its blocking reaches
        every = os.path.join(work, f"{set_name}.every-candidate.jsonl")
        base = [args.bin, "--data-dir", data, "xref", "--dataset", files[0][0]]
        base += ["--against", files[1][0]] if link else []
        base += ["--threshold", str(args.threshold)] if args.threshold is not None else []
        base += ["--scorer", args.scorer] if args.scorer else []
        run_measured(base + ["--min-score", "0", "--output", every], env=env)
        row["true_pairs_in_candidates"], _, _ = true_pair_share(read_pairs(every, by_entity), truth, link)
        os.remove(every)
    return row


# ---------------------------------------------------------------- Splink (runs in its venv)

def splink_child(set_name, threads, out_path):
    """Runs Splink as its documentation example does; writes clusters and timings to out_path."""
    t_start = time.perf_counter()
    import duckdb
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import splink
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    t_imported = time.perf_counter()

    con = duckdb.connect()
    con.execute(f"SET threads TO {int(threads)}")
    db_api = DuckDBAPI(connection=con)
    files = [os.path.join(REF, rel) for _, rel in SETS[set_name][0]]

    if set_name == "h50k":
        # deduplicate_50k_synthetic.nb.py (its parquet holds every column as text)
        header = next(csv.reader(open(files[0], encoding="utf-8")))
        df = pa_csv.read_csv(files[0], convert_options=pa_csv.ConvertOptions(
            strings_can_be_null=True, column_types={c: pa.string() for c in header}))
        blocking_rules = [
            block_on("substr(first_name,1,3)", "substr(surname,1,4)"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode_fake", "first_name"),
            block_on("postcode_fake", "surname"),
            block_on("dob", "birth_place"),
            block_on("substr(postcode_fake,1,3)", "dob"),
            block_on("substr(postcode_fake,1,3)", "first_name"),
            block_on("substr(postcode_fake,1,3)", "surname"),
            block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
        ]
        settings = SettingsCreator(
            link_type="dedupe_only",
            blocking_rules_to_generate_predictions=blocking_rules,
            comparisons=[
                cl.ForenameSurnameComparison("first_name", "surname",
                                             forename_surname_concat_col_name="first_name_surname_concat"),
                cl.DateOfBirthComparison("dob", input_is_string=True),
                cl.PostcodeComparison("postcode_fake"),
                cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
                cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
            ],
            retain_intermediate_calculation_columns=True,
        )
        rel = con.from_arrow(df).project("*, first_name || ' ' || surname as first_name_surname_concat")
        linker = Linker(db_api.register(rel), settings)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "dob"),
             block_on("substr(first_name,1,2)", "surname", "substr(postcode_fake,1,2)"),
             block_on("dob", "postcode_fake")],
            recall=0.6)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)  # seed: ours
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "surname"), estimate_without_term_frequencies=True)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("dob"), estimate_without_term_frequencies=True)
        predictions = linker.inference.predict()
        id_col = "unique_id"
    elif set_name == "febrl3":
        # febrl3.nb.py
        df = pa_csv.read_csv(files[0], convert_options=pa_csv.ConvertOptions(strings_can_be_null=True))
        df = df.rename_columns([c.strip() for c in df.column_names])
        rel = con.from_arrow(df)
        rel = con.sql("""
            select * replace (
                trim(cast(date_of_birth as varchar)) as date_of_birth,
                trim(cast(soc_sec_id as varchar)) as soc_sec_id
            ),
            regexp_extract(rec_id, '^([^-]+-[^-]+)', 1) as cluster
            from rel""")
        blocking_rules = [block_on("soc_sec_id"), block_on("given_name"), block_on("surname"),
                          block_on("date_of_birth"), block_on("postcode")]
        settings = SettingsCreator(
            unique_id_column_name="rec_id",
            link_type="dedupe_only",
            blocking_rules_to_generate_predictions=blocking_rules,
            comparisons=[
                cl.NameComparison("given_name"),
                cl.NameComparison("surname"),
                cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            ],
            retain_intermediate_calculation_columns=True,
        )
        linker = Linker(db_api.register(rel), settings)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth"),
             "l.given_name = r.surname and l.surname = r.given_name and l.date_of_birth = r.date_of_birth"],
            recall=0.9)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
        predictions = linker.inference.predict(threshold_match_probability=0.2)
        id_col = "rec_id"
    elif set_name == "febrl4":
        # febrl4.nb.py, its "detailed model"
        def prepare(path):
            data = pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(strings_can_be_null=True))
            data = data.rename_columns([c.strip() for c in data.column_names])
            return con.sql("""
                select * replace (
                    trim(cast(date_of_birth as varchar)) as date_of_birth,
                    trim(cast(soc_sec_id as varchar)) as soc_sec_id,
                    trim(cast(postcode as varchar)) as postcode
                ),
                regexp_extract(rec_id, '^([^-]+-[^-]+)', 1) as cluster
                from data""").arrow().read_all()
        dfs = [prepare(p) for p in files]
        blocking_rules = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        settings = SettingsCreator(
            unique_id_column_name="rec_id",
            link_type="link_only",
            blocking_rules_to_generate_predictions=blocking_rules,
            comparisons=[
                cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d",
                                         invalid_dates_as_null=True),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
            ],
            retain_intermediate_calculation_columns=True,
        )
        sdfs = [db_api.register(d, dataset_display_name=name) for d, (name, _) in zip(dfs, SETS[set_name][0])]
        linker = Linker(sdfs, settings)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("date_of_birth"), estimate_without_term_frequencies=True)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("postcode"), estimate_without_term_frequencies=True)
        predictions = linker.inference.predict(threshold_match_probability=0.2)
        id_col = "rec_id"
    else:
        raise SystemExit(f"unknown set {set_name}")

    thresholds = SPLINK_THRESHOLDS[set_name]
    t_predicted = time.perf_counter()
    out = {"version": splink.__version__, "duckdb": duckdb.__version__, "threads": threads,
           "clusters": {}, "cluster_seconds": {}}
    for i, t in enumerate(thresholds):
        t0 = time.perf_counter()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=t)
        rows = clusters.as_duckdbpyrelation().fetchall()
        cols = clusters.as_duckdbpyrelation().columns
        took = time.perf_counter() - t0
        if i == 0:
            out["pipeline_seconds"] = time.perf_counter() - t_imported
            out["import_seconds"] = t_imported - t_start
            out["predict_seconds"] = t_predicted - t_imported
        ci, ri = cols.index("cluster_id"), cols.index(id_col)
        si = cols.index("source_dataset") if "source_dataset" in cols else None
        out["clusters"][str(t)] = [[r[si] if si is not None else SETS[set_name][0][0][0], str(r[ri]), str(r[ci])]
                                   for r in rows]
        out["cluster_seconds"][str(t)] = took
    # every blocked pair, when predict() had no threshold (the 50k example)
    if set_name == "h50k":
        pr = predictions.as_duckdbpyrelation()
        out["predicted_pairs"] = [[str(a), str(b)] for a, b in pr.select(f"{id_col}_l, {id_col}_r").fetchall()]
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f)


def run_splink(set_name, args, work):
    out_path = os.path.join(work, f"{set_name}.splink.json")
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), CROSSCHECK_REFERENCE_DATA=REF)
    took, rss, err = run_measured([args.splink_python, os.path.abspath(__file__), "_splink", set_name,
                                   "--threads", str(args.threads), "--result", out_path], env=env)
    with open(out_path, encoding="utf-8") as f:
        out = json.load(f)
    truth, _ = truth_of(set_name)
    link = SETS[set_name][3]
    rows = []
    for k, (t, members) in enumerate(out["clusters"].items()):
        assigned = {(d, rid): c for d, rid, c in members}
        row = {"system": f"Splink {out['version']} at {t}" + ((" (example's)" if EXAMPLE_CLUSTERS[set_name] else " (the example does not cluster)")
                                                                  if k == 0 else ""),
               "seconds": out["pipeline_seconds"] if k == 0 else out["cluster_seconds"][t],
               "process_seconds": took if k == 0 else None, "peak_rss_mib": rss if k == 0 else None,
               "predict_seconds": out["predict_seconds"] if k == 0 else None,
               **cluster_metrics(assigned, truth)}
        if k == 0 and "predicted_pairs" in out:
            ds = SETS[set_name][0][0][0]
            row["candidates"] = len(out["predicted_pairs"])
            row["true_pairs_in_candidates"], _, _ = true_pair_share(
                (((ds, a), (ds, b)) for a, b in out["predicted_pairs"]), truth, link)
        rows.append(row)
    return rows, out


# ---------------------------------------------------------------- reporting

COLUMNS = [("system", "system", "{}"), ("seconds", "seconds", "{:.2f}"), ("peak_rss_mib", "peak RSS MiB", "{:.0f}"),
           ("pairwise_precision", "pair P", "{:.4f}"), ("pairwise_recall", "pair R", "{:.4f}"),
           ("pairwise_f1", "pair F1", "{:.4f}"), ("bcubed_precision", "B³ P", "{:.4f}"),
           ("bcubed_recall", "B³ R", "{:.4f}"), ("bcubed_f1", "B³ F1", "{:.4f}"), ("clusters", "clusters", "{}"),
           ("candidates", "candidate pairs", "{:,}"), ("true_pairs_in_candidates", "true pairs reached by candidates", "{:.1%}"),
           ("true_pairs_in_written_pairs", "true pairs reached by written pairs", "{:.1%}")]


def table(set_name, rows):
    truth_clusters = rows[0]["true_clusters"]
    lines = [f"\n### {set_name}: {rows[0]['records']:,} records, {truth_clusters:,} true clusters, "
             f"{rows[0]['true_pairs']:,} true pairs\n",
             "| " + " | ".join(h for _, h, _ in COLUMNS) + " |",
             "|" + "|".join("---" for _ in COLUMNS) + "|"]
    for r in rows:
        cells = []
        for key, _, fmt in COLUMNS:
            v = r.get(key)
            cells.append("" if v is None else fmt.format(v))
        lines.append("| " + " | ".join(cells) + " |")
    cc = next((r for r in rows if r["system"].startswith("crosscheck")), None)
    sp = next((r for r in rows if r["system"].startswith("Splink")), None)
    notes = []
    for r in rows:
        if r.get("missing"):
            notes.append(f"{r['system']}: {r['missing']} records missing from its clusters (counted as clusters of one)")
        if r.get("extra"):
            notes.append(f"{r['system']}: {r['extra']} cluster members that are no record of the set")
    if cc and sp:
        notes.append(f"ratio: Splink's seconds / crosscheck's = {sp['seconds'] / cc['seconds']:.1f}x "
                     f"(Splink's whole process {sp['process_seconds']:.1f} s); pairwise F1 "
                     f"{cc['pairwise_f1']:.4f} vs {sp['pairwise_f1']:.4f}, B-cubed F1 {cc['bcubed_f1']:.4f} vs "
                     f"{sp['bcubed_f1']:.4f}")
    if cc:
        notes.append(f"crosscheck load (apart): {cc['load_seconds']:.2f} s")
    if sp and len([r for r in rows if r["system"].startswith("Splink")]) > 1:
        notes.append("Splink's second row: the same predictions clustered at another threshold; its seconds are that "
                     "clustering's alone")
    if sp:
        notes.append(f"Splink: predict {sp['predict_seconds']:.2f} s after imports; peak RSS {sp['peak_rss_mib']:.0f} MiB")
    return "\n".join(lines + [""] + [f"- {n}" for n in notes])


def bench_set(set_name, args, work):
    rows = []
    systems = args.systems.split(",")
    if "crosscheck" in systems:
        row = run_crosscheck(set_name, args, work)
        print(f"[{set_name}] crosscheck summary: {row.pop('stderr')}", file=sys.stderr)
        rows.append(row)
    if "splink" in systems:
        splink_rows, _ = run_splink(set_name, args, work)
        rows.extend(splink_rows)
    print(table(set_name, rows), flush=True)
    return rows


def metrics_only(set_name, clusters_path):
    truth, by_entity = truth_of(set_name)
    row = {"system": f"clusters file {os.path.basename(clusters_path)}",
           **cluster_metrics(read_crosscheck_clusters(clusters_path, by_entity), truth)}
    print(table(set_name, [row]))


# ---------------------------------------------------------------- synthetic people

def bench_people(args, work):
    gen_dir = os.path.join(args.out, f"xref-people-{args.n}-{args.copies}-top{args.top}")
    manifest = os.path.join(gen_dir, "manifest.json")
    made = json.load(open(manifest)) if os.path.exists(manifest) else {}
    if (made.get("people"), made.get("copies"), made.get("top")) != (args.n, args.copies, args.top):
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_xref_people.py"), gen_dir,
                        "--n", str(args.n), "--copies", str(args.copies), "--top", str(args.top)], check=True)
        made = json.load(open(manifest))
    data = os.path.join(work, "data-people")
    shutil.rmtree(data, ignore_errors=True)
    load_s, load_rss, _ = run_measured([args.bin, "--data-dir", data, "load", "--format", "ftm", "--dataset",
                                        "people", os.path.join(gen_dir, "people.jsonl"),
                                        os.path.join(gen_dir, "copies.jsonl")])
    clusters_path = os.path.join(work, "people.clusters.jsonl")
    # The pairs are not needed for the measures, and at a million namesake-dense people those
    # scoring half the threshold run to tens of gigabytes: on stdout, thrown away, unless
    # --keep-pairs. (Never `--output /dev/null`: the output file is replaced by a rename.)
    pairs = ["--output", os.path.join(work, "people.pairs.jsonl")] if args.keep_pairs else []
    cmd = [args.bin, "--data-dir", data, "xref", "--dataset", "people", "--clusters", clusters_path] + pairs
    cmd += xref_options(args)
    env = dict(os.environ, RAYON_NUM_THREADS=str(args.threads))
    took, rss, err = run_measured(cmd, env=env, timeout=args.timeout)
    print(f"[people] crosscheck summary: {err.strip()}", file=sys.stderr)
    result = people_metrics(gen_dir, clusters_path)
    result.update({"people": args.n, "copies_planted": args.copies, "xref_seconds": took, "peak_rss_mib": rss,
                   "load_seconds": load_s, "load_peak_rss_mib": load_rss,
                   "candidates": summary_number(err, "candidate pairs", "candidates")})
    print(f"\n### people: {args.n:,} synthetic people, {args.copies:,} planted copies; the median person's full name "
          f"shared by {made.get('full_name_shared_by_median', 0):,}, surname by {made.get('surname_shared_by_median', 0):,}\n")
    print("| xref seconds | peak RSS MiB | copies with their original | clusters mixing people with contradicting birth "
          "dates | clusters with two people (any date) | clusters | candidate pairs | load seconds |")
    print("|---|---|---|---|---|---|---|---|")
    cand = result["candidates"]
    print(f"| {took:.1f} | {rss:.0f} | {result['copies_found']:.2%} ({result['copies_with_original']:,}) | "
          f"{result['mixed_birth_dates']:,} | {result['mixed_people']:,} | {result['clusters']:,} | "
          f"{'' if cand is None else format(cand, ',')} | {load_s:.1f} |")
    print(f"\n- goals (issue 18, at 1,000,000): <= 120 s, <= 2048 MiB, >= 99% copies with their original, "
          f"0 clusters mixing birth dates")
    return result


def contradicting_dates(dates):
    """Whether two of these people's birth dates cannot be the same day: "1980" fits "1980-05-01"
    (a year-only date), "1980-05-01" and "1980-05-02" do not."""
    known = sorted({d for ds in dates for d in ds})
    return any(not b.startswith(a) for i, a in enumerate(known) for b in known[i + 1:])


def people_metrics(gen_dir, clusters_path):
    """Share of copies in their original's cluster; clusters that hold two people who are not
    copies of each other with contradicting birth dates (and with any dates)."""
    original = {}
    with open(os.path.join(gen_dir, "copies.tsv"), encoding="utf-8") as f:
        for line in f:
            copy_id, orig_id = line.rstrip("\n").split("\t")
            if copy_id != "copy_id":
                original[copy_id] = orig_id
    wanted = set(original) | set(original.values())
    born = {}
    for name in ("people.jsonl", "copies.jsonl"):
        with open(os.path.join(gen_dir, name), encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                born[e["id"]] = tuple(e["properties"].get("birthDate", []))
    cluster_of = {}
    mixed_dates = mixed_people = n_clusters = 0
    with open(clusters_path, encoding="utf-8") as f:
        for line in f:
            c = json.loads(line)
            n_clusters += 1
            ids = [m["id"] for m in c["members"]]
            for i in ids:
                if i in wanted:
                    cluster_of[i] = c["cluster"]
            people = {original.get(i, i) for i in ids}  # a copy counts as its original
            if len(people) > 1:
                mixed_people += 1
                if contradicting_dates([born.get(p, ()) for p in people]):
                    mixed_dates += 1
    found = sum(1 for c, o in original.items() if c in cluster_of and cluster_of.get(c) == cluster_of.get(o))
    return {"copies_with_original": found, "copies_found": found / len(original) if original else 1.0,
            "mixed_birth_dates": mixed_dates, "mixed_people": mixed_people, "clusters": n_clusters}


# ---------------------------------------------------------------- self-test (invented data)

def selftest():
    """Checks the metrics and the file readers on invented records, with hand-computed values."""
    truth = {"a": 1, "b": 1, "c": 1, "d": 2}
    m = cluster_metrics({"a": "X", "b": "X", "c": "Y", "d": "Y"}, truth)
    want = {"pairwise_precision": 0.5, "pairwise_recall": 1 / 3, "bcubed_precision": 0.75,
            "bcubed_recall": 2 / 3, "clusters": 2, "true_pairs": 3, "clustered_pairs": 2}
    for k, v in want.items():
        assert abs(m[k] - v) < 1e-12, (k, m[k], v)
    m = cluster_metrics({"a": "X", "b": "X"}, truth)  # c and d left out: clusters of one
    assert (m["missing"], m["clusters"], m["pairwise_precision"], m["pairwise_recall"]) == (2, 3, 1.0, 1 / 3), m
    # link mode: only pairs across the two datasets are true pairs
    lt = {("A", "1"): "p", ("B", "1"): "p", ("B", "2"): "p", ("A", "2"): "q"}
    share, seen, total = true_pair_share([(("A", "1"), ("B", "1")), (("B", "1"), ("B", "2"))], lt, True)
    assert (seen, total) == (1, 2), (seen, total)
    assert entity_id("d", " r-1 ") == "d-" + hashlib.sha1(b"r-1").hexdigest()[:20]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "clusters.jsonl")
        with open(path, "w") as f:
            f.write(json.dumps({"cluster": "c1", "size": 2, "members": [{"dataset": "d", "id": "d-x"},
                                                                      {"dataset": "d", "id": "d-y"}]}) + "\n")
            f.write(json.dumps({"cluster": "c2", "size": 1, "members": [{"dataset": "d", "id": "d-z"}]}) + "\n")
        got = read_crosscheck_clusters(path, {("d", "d-x"): ("d", "x")})
        assert got == {("d", "x"): "c1", ("d", "d-y"): "c1", ("d", "d-z"): "c2"}, got
        # people: p1 and its copy together (found); p2, p3 with other birth dates in one cluster
        for name, rows in (("people.jsonl", [("p1", "1980-01-02"), ("p2", "1970-05-06"), ("p3", "1971-05-06")]),
                           ("copies.jsonl", [("copy-00000", "1980-01-02"), ("copy-00001", "1970-05-06")])):
            with open(os.path.join(tmp, name), "w") as f:
                for i, d in rows:
                    f.write(json.dumps({"id": i, "schema": "Person", "properties": {"birthDate": [d]}}) + "\n")
        with open(os.path.join(tmp, "copies.tsv"), "w") as f:
            f.write("copy_id\toriginal_id\ncopy-00000\tp1\ncopy-00001\tp2\n")
        with open(path, "w") as f:
            for n, ids in enumerate([["p1", "copy-00000"], ["p2", "p3"], ["copy-00001"]]):
                f.write(json.dumps({"cluster": str(n), "size": len(ids),
                                    "members": [{"dataset": "people", "id": i} for i in ids]}) + "\n")
        m = people_metrics(tmp, path)
        assert (m["copies_with_original"], m["mixed_birth_dates"], m["mixed_people"], m["clusters"]) == (1, 1, 1, 3), m
    assert not contradicting_dates([("1980",), ("1980-05-01",)]) and contradicting_dates([("1980-05-01",), ("1981",)])
    assert summary_number("50,578 entities, 1,234,567 candidate pairs scored", "candidate pairs") == 1234567
    assert summary_number("entities: 7\ncandidate pairs: 1,234\n", "candidate pairs") == 1234
    print("selftest: ok")


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["h50k", "febrl3", "febrl4", "all", "people", "metrics", "selftest", "_splink"])
    ap.add_argument("set", nargs="?", help="for `metrics` and `_splink`: h50k, febrl3 or febrl4")
    ap.add_argument("--systems", default="crosscheck,splink", help="comma-separated: crosscheck, splink")
    ap.add_argument("--bin", default=DEFAULT_BIN, help="the crosscheck binary")
    ap.add_argument("--splink-python", default=DEFAULT_SPLINK_PY, help="Python of the venv that has Splink")
    ap.add_argument("--threads", type=int, default=2, help="threads for both systems (Splink's DuckDB, RAYON_NUM_THREADS)")
    ap.add_argument("--scorer", help="crosscheck xref --scorer (default: crosscheck's default)")
    ap.add_argument("--threshold", type=float, help="crosscheck xref --threshold (default: the scorer's)")
    ap.add_argument("--min-score", type=float, help="crosscheck xref --min-score (default: its own, half the threshold)")
    ap.add_argument("--timeout", type=float, help="stop a crosscheck xref that runs longer than this many seconds")
    ap.add_argument("--keep-pairs", action="store_true", help="people: write the pairs to a file (default: thrown away)")
    ap.add_argument("--clusters", help="for `metrics`: a clusters file (xref --clusters shape) to score")
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "bench-xref"),
                    help="where generated data and outputs go")
    ap.add_argument("--n", type=int, default=1_000_000, help="people: synthetic people")
    ap.add_argument("--copies", type=int, default=10_000, help="people: planted copies")
    ap.add_argument("--top", type=int, default=6, help="people: gen_xref_people.py --top (namesake density)")
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--json", help="also write every row as JSON to this file")
    args = ap.parse_args()
    if args.what == "_splink":
        splink_child(args.set, args.threads, args.result)
        return
    if args.what == "selftest":
        selftest()
        return
    if args.what == "metrics":
        if args.set not in SETS or not args.clusters:
            sys.exit("metrics needs a set (h50k, febrl3, febrl4) and --clusters FILE")
        metrics_only(args.set, args.clusters)
        return
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="xref-", dir=args.out)
    results = {}
    try:
        if args.what == "people":
            results["people"] = bench_people(args, work)
        else:
            for s in (["h50k", "febrl3", "febrl4"] if args.what == "all" else [args.what]):
                results[s] = bench_set(s, args, work)
    finally:
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(results, f, indent=2, default=str)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
