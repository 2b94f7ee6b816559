"""Cross-reference FtM entities on Apache Spark, as ``crosscheck xref`` does on one machine.

The steps are the engine's (``crosscheck_engine::xref_pieces``), spread over Spark:

1. every line read as ``crosscheck load`` reads it; the first line that cannot be read stops
   the job (file and line named) before anything is written;
2. the records of one id merged, with the store's index key hashes (``mapInArrow``);
3. entities numbered as a load numbers them: the ``--input`` files' first, in the order given,
   each by first appearance; then the ``--against`` files';
4. candidate pairs: an equi-join on the exploded key hashes (a ``groupBy`` per key, its members
   with their records), each block's pairs chosen by the engine's rule for frequent keys and
   scored there by the Rust scorer (``mapInArrow``), then one line per pair;
5. the pairs written (score at least half the threshold) joined with their two records,
   explained, and sorted as ``crosscheck xref`` writes them;
6. clusters: connected components of the matches and ``same`` judgements by large-star /
   small-star joins (Kiveris et al., 2014), then each component clustered by the engine's
   greedy rule with its veto; every other entity a cluster of one.
"""

import argparse
import json
import os
import secrets
import sys
import time

from crosscheck_spark import native  # absolute: spark-submit runs this file as a script

EXAMPLES = """\
examples:
  python -m crosscheck_spark.xref --input people.jsonl --output pairs/ --clusters clusters/
  python -m crosscheck_spark.xref --input leak.jsonl --against un.jsonl \\
      --output pairs/ --threshold 0.8 --master spark://10.0.0.5:7077

The pairs and clusters are JSON lines, as `crosscheck xref` writes them, in Spark part files
(part-00000-….txt, in order; _SUCCESS once complete). A dataset is named as `crosscheck load`
names it: --dataset, else the first file's name without its extension.

exit codes: 0 done; 2 a usage or input error (nothing written)."""


class InputError(Exception):
    """Bad input, named for the person running the job (exit 2)."""


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python -m crosscheck_spark.xref",
        description="Cross-reference FtM entities on Apache Spark: the pairs and clusters of "
        "`crosscheck xref`, scored by the same engine.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--input", nargs="+", required=True, metavar="FILE",
                   help="FtM JSON-lines files (or Parquet: .parquet) of the dataset to deduplicate or link")
    p.add_argument("--against", nargs="+", metavar="FILE",
                   help="link mode: pairs across the two datasets only, clusters over both")
    p.add_argument("--output", required=True, metavar="DIR", help="where the pairs go (replaced)")
    p.add_argument("--clusters", metavar="DIR", help="where the clusters go (replaced)")
    p.add_argument("--output-format", choices=["json", "parquet"], default="json",
                   help="json: JSON-lines part files, as crosscheck xref writes; parquet: the same "
                        "fields as columns (explanation as JSON text) [default: json]")
    p.add_argument("--threshold", type=float, metavar="T",
                   help="`match` is score >= T [default: the scorer's, 0.7]")
    p.add_argument("--min-score", type=float, metavar="S",
                   help="pairs scoring at least S are written [default: half the threshold]")
    p.add_argument("--scorer", metavar="NAME", help="scoring algorithm by name or id [default: crosscheck-v2]")
    p.add_argument("--judgements", metavar="FILE",
                   help='JSON lines {"left": {"dataset","id"}, "right": {...}, "judgement": "same"|"different"}')
    p.add_argument("--dataset", metavar="NAME", help="the --input dataset's name [default: the first file's stem]")
    p.add_argument("--against-dataset", metavar="NAME",
                   help="the --against dataset's name [default: its first file's stem]")
    p.add_argument("--index-key", metavar="FILE",
                   help="hash the index keys with this key (a data directory's index.key) [default: a new one]")
    p.add_argument("--master", metavar="URL",
                   help="Spark master [default: spark-submit's, else local[*]]")
    p.add_argument("--partitions", type=int, metavar="N",
                   help="shuffle partitions [default: one per 16 MiB of input, at least twice the cores]")
    p.add_argument("--driver-memory", metavar="SIZE", default="4g",
                   help="memory of the Spark driver this job starts (local runs; under spark-submit, "
                        "spark-submit's --driver-memory decides) [default: 4g]")
    args = p.parse_args(argv)
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        p.error(f"--threshold {args.threshold}: a threshold is between 0 and 1")
    if args.min_score is not None and not 0.0 <= args.min_score <= 1.0:
        p.error(f"--min-score {args.min_score}: a score is between 0 and 1")
    return args


def stem(path):
    name = os.path.basename(path.rstrip("/"))
    return name.split(".", 1)[0] if not name.startswith(".") else name


def check_files(files):
    for f in files:
        if "://" not in f and not os.path.exists(f):
            raise InputError(f"{f}: no such file")


def read_index_key(path):
    if path is None:
        return (secrets.randbits(64), secrets.randbits(64))
    try:
        with open(path, encoding="utf-8") as f:
            key = json.load(f)
        if key.get("hash") != "siphash-1-3-128":
            raise ValueError(f"hash {key.get('hash')!r}, not siphash-1-3-128")
        return (int(key["k0"], 16), int(key["k1"], 16))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"{path}: not an index key file ({e})") from e


def session(args):
    """The Spark session: spark-submit's (its master and settings stand), else a local one.
    Settings the job picks (batch size, shuffle partitions) apply only where nobody set them."""
    from pyspark.sql import SparkSession

    # local workers run this interpreter, which has the engine installed
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("crosscheck xref")
    # spark-submit starts the JVM first and hands over its gateway: its --master is the master
    if args.master or "PYSPARK_GATEWAY_PORT" not in os.environ:
        # this job starts the JVM: its driver (all of a local run) gets the memory asked for
        builder = builder.master(args.master or "local[*]").config("spark.driver.memory", args.driver_memory)
        builder = builder.config("spark.ui.showConsoleProgress", "false")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    given = spark.sparkContext.getConf()
    if not given.contains("spark.sql.execution.arrow.maxRecordsPerBatch"):
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "4096")
    if args.partitions:
        spark.conf.set("spark.sql.shuffle.partitions", str(args.partitions))
    elif not given.contains("spark.sql.shuffle.partitions"):
        # a piece of about 16 MiB of input per task, and at least two tasks per core
        size = sum(input_bytes(f) for f in args.input + (args.against or []))
        parts = max(2 * spark.sparkContext.defaultParallelism, -(-size // (16 << 20)))
        spark.conf.set("spark.sql.shuffle.partitions", str(parts))
    return spark


def input_bytes(path):
    """The size of a local input file (0 for a URL: Spark's own default then counts)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def read_lines(spark, files, side):
    """(side, file, line, text) of every line; Parquet rows as FtM JSON lines, numbered by
    their row in the file."""
    from pyspark.sql import functions as F

    frames = []
    for index, path in enumerate(files):
        if path.endswith(".parquet"):
            frame = spark.read.parquet(path)
            missing = [c for c in ("id", "schema", "properties") if c not in frame.columns]
            if missing:
                raise InputError(f"{path}: no column {', '.join(f'`{c}`' for c in missing)} "
                                 "(an FtM Parquet file has `id`, `schema` and `properties`)")
            props = frame.schema["properties"].dataType.simpleString()
            properties = F.col("properties")
            if props == "string":
                properties = F.from_json("properties", "map<string,array<string>>")
            frame = frame.select(
                F.lit(side).cast("long").alias("side"), F.lit(index).cast("long").alias("file"),
                (F.col("_metadata.row_index") + 1).alias("line"),
                F.to_json(F.struct(F.col("id").cast("string").alias("id"),
                                   F.col("schema").cast("string").alias("schema"),
                                   properties.alias("properties"))).alias("text"))
        else:
            frame = numbered_lines(spark, path).select(
                F.lit(side).cast("long").alias("side"), F.lit(index).cast("long").alias("file"), "line", "text")
        frames.append(frame)
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    return out


def numbered_lines(spark, path):
    """(line, text) of a text file, line numbers from 1, read by the JVM (no line passes
    through Python). Spark reads a file in splits (`_metadata.file_block_start`), each a run
    of consecutive lines in one task, in order; a split's first line number is the count of
    lines in the splits before it (one small aggregate), and a line's place in its split is
    its `monotonically_increasing_id` less the split's first."""
    from pyspark.sql import functions as F

    raw = spark.read.text(path, wholetext=False).select(
        F.col("value").alias("text"), F.col("_metadata.file_path").alias("path"),
        F.col("_metadata.file_block_start").alias("block"), F.monotonically_increasing_id().alias("mid")).persist()
    blocks = raw.groupBy("path", "block").agg(F.min("mid").alias("first"), F.count("*").alias("lines")).collect()
    starts, seen = [], {}
    for row in sorted(blocks, key=lambda r: (r["path"], r["block"])):
        starts.append((row["path"], row["block"], row["first"], seen.get(row["path"], 0)))
        seen[row["path"]] = seen.get(row["path"], 0) + row["lines"]
    if not starts:
        return raw.select(F.lit(0).cast("long").alias("line"), "text").limit(0)
    offsets = spark.createDataFrame(starts, "path string, block long, first long, before long")
    return raw.join(F.broadcast(offsets), ["path", "block"]).select(
        (F.col("mid") - F.col("first") + F.col("before") + 1).alias("line"), "text")


def _map(frame, fn, schema):
    return frame.mapInArrow(fn, schema)


def parse(lines):
    def run(batches):
        import pyarrow as pa
        for batch in batches:
            read = native.read_lines(pa.RecordBatch.from_arrays([batch.column("text")], names=["text"]))
            yield pa.RecordBatch.from_arrays(
                [batch.column("side"), batch.column("file"), batch.column("line"),
                 read.column("id"), read.column("json"), read.column("error")],
                names=["side", "file", "line", "id", "json", "error"])

    return _map(lines, run, "side long, file long, line long, id string, json string, error string")


def first_error(frame, files_by_side):
    from pyspark.sql import functions as F

    bad = frame.where(F.col("error").isNotNull()).orderBy("side", "file", "line").limit(1).collect()
    if bad:
        row = bad[0]
        path = files_by_side[row["side"]][row["file"]]
        where = "row" if path.endswith(".parquet") else "line"
        raise InputError(f"{path}: {where} {row['line']}: {row['error']}")


def merge(parsed, key):
    from pyspark.sql import functions as F

    parts = parsed.where(F.col("id").isNotNull()).groupBy("side", "id").agg(
        F.sort_array(F.collect_list(F.struct("file", "line", "json"))).alias("parts"))
    parts = parts.select(
        "side", F.col("parts")[0]["file"].alias("file"), F.col("parts")[0]["line"].alias("line"),
        F.transform("parts", lambda p: p["json"]).alias("parts"))

    def run(batches):
        import pyarrow as pa
        for batch in batches:
            got = native.records(pa.RecordBatch.from_arrays([batch.column("parts")], names=["parts"]), key)
            yield pa.RecordBatch.from_arrays(
                [batch.column("side"), batch.column("file"), batch.column("line")]
                + [got.column(c) for c in ("id", "json", "matchable", "birth", "keys", "error")],
                names=["side", "file", "line", "id", "json", "matchable", "birth", "keys", "error"])

    return _map(parts, run, "side long, file long, line long, id string, json string, matchable boolean, "
                            "birth long, keys array<binary>, error string")


def number(records):
    """Numbers the entities 0.. in load order (side, file, line of first appearance), without
    bringing them to one partition: a range-partitioned sort, then each partition's offset."""
    from pyspark.sql import functions as F

    ordered = records.orderBy("side", "file", "line").select(
        "*", F.spark_partition_id().alias("pid"), F.monotonically_increasing_id().alias("mid")).persist()
    counts = dict(ordered.groupBy("pid").count().collect())
    offsets, total = {}, 0
    for pid in sorted(counts):
        offsets[pid] = total
        total += counts[pid]
    offset = F.element_at(F.create_map(*[x for pid, o in offsets.items() for x in (F.lit(pid), F.lit(o))]),
                          F.col("pid")) if offsets else F.lit(0)
    numbered = ordered.select(
        (offset + F.col("mid") - F.shiftleft(F.col("pid").cast("long"), 33)).cast("long").alias("n"),
        "side", "id", "json", "matchable", "birth", "keys")
    return numbered, total


def candidate_pairs(numbered, rules, link, scorer):
    """Every candidate pair once, `(a, b, score)`, scored inside its block: a block's members
    travel with their JSON once, not each pair with its two records (`score` is null for two
    that cannot match)."""
    from pyspark.sql import functions as F

    keys = numbered.where("matchable").select("n", "side", "birth", "json", F.explode("keys").alias("key"))
    blocks = keys.groupBy("key").agg(
        F.collect_list(F.struct("n", "birth", "side", "json")).alias("members"),
        F.count("*").alias("size"), F.countDistinct("side").alias("sides"))
    blocks = blocks.where("sides = 2") if link else blocks.where("size >= 2")

    def run(batches):
        import pyarrow as pa
        for batch in batches:
            yield native.score_blocks(pa.RecordBatch.from_arrays([batch.column("members")], names=["members"]),
                                      rules, link, scorer)

    # a pair two blocks share comes from both, with the same score
    return _map(blocks.select("members"), run, "a long, b long, score double").dropDuplicates(["a", "b"])


def explain(pairs, numbered, scorer, threshold, min_score, datasets, base):
    """The lines of the pairs written: each joined with its two records and explained."""
    from pyspark.sql import functions as F

    ents = numbered.select("n", "json")
    joined = pairs.join(ents.select(F.col("n").alias("a"), F.col("json").alias("a_json")), "a") \
        .join(ents.select(F.col("n").alias("b"), F.col("json").alias("b_json")), "b")

    def run(batches):
        for batch in batches:
            yield native.score_pairs(batch, scorer, threshold, min_score, datasets, base)

    return _map(joined.select("a", "b", "a_json", "b_json"), run,
                "a long, b long, score double, match boolean, line string")


def connected_components(edges):
    """(n, comp) for every entity on an edge: comp is the smallest entity of its component.
    Large-star then small-star until every edge points from a leaf to its star's centre."""
    from pyspark.sql import functions as F

    e = edges.select(F.greatest("a", "b").alias("u"), F.least("a", "b").alias("v")).where("u != v").distinct()
    e = e.localCheckpoint()
    while True:
        both = e.unionByName(e.select(F.col("v").alias("u"), F.col("u").alias("v")))
        m = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
        large = both.join(m, "u").where(F.col("v") > F.col("u")).select(F.col("v").alias("u"), F.col("m").alias("v"))
        oriented = large.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v")).where("u != v")
        m2 = oriented.groupBy("u").agg(F.min("v").alias("m"))
        small = oriented.join(m2, "u").select(F.col("v").alias("u"), F.col("m").alias("v")) \
            .unionByName(m2.select("u", F.col("m").alias("v")))
        e = small.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v")).where("u != v") \
            .distinct().localCheckpoint()
        centres = e.select(F.col("v").alias("x")).distinct()
        if e.join(centres, e.u == centres.x).limit(1).count() == 0:
            break
    return e.select(F.col("u").alias("n"), F.col("v").alias("comp")) \
        .unionByName(e.select(F.col("v").alias("n"), F.col("v").alias("comp"))).distinct()


def clusters(spark, numbered, matches, same, different, scorer, threshold, datasets, base):
    from pyspark.sql import functions as F

    pair_schema = "a long, b long"
    same_df = spark.createDataFrame(same, pair_schema)
    different_df = spark.createDataFrame(different, pair_schema)
    edges = matches.select("a", "b").unionByName(same_df)
    labels = connected_components(edges).persist()
    members = labels.join(numbered.select("n", "json"), "n").groupBy("comp").agg(
        F.collect_list(F.struct("n", "json")).alias("members"))

    def listed(frame, fields, name):
        return frame.join(labels.select(F.col("n").alias("a"), "comp"), "a") \
            .groupBy("comp").agg(F.collect_list(F.struct(*fields)).alias(name))

    rows = members.join(listed(matches, ["a", "b", "score"], "matches"), "comp", "left") \
        .join(listed(same_df, ["a", "b"], "same"), "comp", "left") \
        .join(listed(different_df, ["a", "b"], "different"), "comp", "left")

    def run(batches):
        for batch in batches:
            yield native.cluster_components(batch, scorer, threshold, datasets, base)

    joined = _map(rows.select("members", "matches", "same", "different"), run, "n long, line string")
    alone = numbered.select("n", "id").join(labels.select("n"), "n", "left_anti")

    def run_alone(batches):
        import pyarrow as pa
        for batch in batches:
            lines = native.singletons(batch, datasets, base)
            yield pa.RecordBatch.from_arrays([batch.column("n"), lines.column("line")], names=["n", "line"])

    return joined.unionByName(_map(alone, run_alone, "n long, line string"))


def read_judgements(path):
    """The judgements in effect of a judgements file, read whole before Spark starts."""
    if path is None:
        return []
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot be read ({e})") from e
    try:
        return native.read_judgements(text)
    except ValueError as e:
        raise InputError(f"{path}: {e}") from e


def judgement_pairs(spark, judged, numbered, datasets):
    """The judged pairs as entity numbers: (same, different, applied, elsewhere)."""
    if not judged:
        return [], [], 0, 0
    refs = spark.createDataFrame(
        [(i, side, ds, id_) for i, (lds, lid, rds, rid, _) in enumerate(judged)
         for side, ds, id_ in ((0, lds, lid), (1, rds, rid))],
        "j long, end long, dataset string, id string")
    names = spark.createDataFrame(list(enumerate(datasets)), "side long, dataset string")
    found = refs.join(names, "dataset").join(numbered.select("side", "id", "n"), ["side", "id"])
    ends = {}
    for row in found.select("j", "end", "n").collect():
        ends.setdefault(row["j"], {})[row["end"]] = row["n"]
    same, different = [], []
    for j, (_, _, _, _, is_same) in enumerate(judged):
        pair = ends.get(j, {})
        if 0 in pair and 1 in pair and pair[0] != pair[1]:
            a, b = sorted((pair[0], pair[1]))
            (same if is_same else different).append((a, b))
    applied = len(same) + len(different)
    return same, different, applied, len(judged) - applied


RECORD = "struct<dataset:string,id:string>"
# Parquet columns of the lines: the JSON fields, `explanation` kept as its JSON text
PARQUET_COLUMNS = {
    "pairs": (f"left {RECORD}, right {RECORD}, score double, match boolean", ["explanation"]),
    "clusters": (f"cluster string, size long, members array<{RECORD}>", []),
}


def write_lines(frame, path, kind, fmt, *order):
    """The lines in `order`, as part files that read in sequence give that order: JSON lines
    (`json`), or Parquet with the lines' fields as columns (`parquet`)."""
    from pyspark.sql import functions as F

    ordered = frame.orderBy(*order)
    if fmt == "json":
        ordered.select("line").write.mode("overwrite").text(path)
        return
    schema, kept_as_text = PARQUET_COLUMNS[kind]
    parsed = ordered.select(F.from_json("line", schema).alias("l"), "line")
    columns = [F.col(f"l.{c.split()[0]}") for c in schema.split(", ")]
    columns += [F.get_json_object("line", f"$.{c}").alias(c) for c in kept_as_text]
    parsed.select(*columns).write.mode("overwrite").parquet(path)


def run(args):
    started = time.time()
    check_files(args.input + (args.against or []))
    datasets = [args.dataset or stem(args.input[0])]
    files_by_side = [args.input]
    if args.against:
        datasets.append(args.against_dataset or stem(args.against[0]))
        files_by_side.append(args.against)
        if datasets[0] == datasets[1]:
            raise InputError(f"--against names the dataset being cross-referenced (`{datasets[0]}`): "
                             "to find duplicates inside one dataset, leave --against out; "
                             "to link two, give them other names (--dataset, --against-dataset)")
    link = len(datasets) == 2
    key = read_index_key(args.index_key)
    scorer, default_threshold = native.scorer_info(args.scorer) if args.scorer else native.scorer_info()
    threshold = args.threshold if args.threshold is not None else default_threshold
    rules = native.pair_rules()
    judged = read_judgements(args.judgements)

    spark = session(args)
    try:
        from pyspark.sql import functions as F

        lines = read_lines(spark, files_by_side[0], 0)
        if link:
            lines = lines.unionByName(read_lines(spark, files_by_side[1], 1))
        parsed = parse(lines).persist()
        first_error(parsed, files_by_side)
        records = merge(parsed, key).persist()
        first_error(records, files_by_side)
        parsed.unpersist()
        numbered, total = number(records)
        numbered = numbered.persist()
        base = numbered.where("side = 0").count() if link else total
        same, different, applied, elsewhere = judgement_pairs(spark, judged, numbered, datasets)

        candidates = candidate_pairs(numbered, rules, link, scorer).persist()
        written_from = args.min_score if args.min_score is not None else threshold / 2
        kept = candidates.where(F.col("score") >= min(written_from, threshold))
        lines = explain(kept.where(F.col("score") >= written_from).select("a", "b"), numbered, scorer,
                        args.threshold, args.min_score, datasets, base).persist()
        write_lines(lines, args.output, "pairs", args.output_format, "a", "b")
        matches = kept.where(F.col("score") >= threshold).select("a", "b", "score").persist()
        summary = {
            "master": spark.sparkContext.master, "scorer": scorer, "threshold": threshold, "entities": total,
            "candidate_pairs": candidates.count(), "pairs_written": lines.count(),
            "matches": matches.count(), "judgements_applied": applied, "judgements_elsewhere": elsewhere,
        }
        if args.clusters:
            found = clusters(spark, numbered, matches, same, different, scorer, args.threshold, datasets, base) \
                .persist()
            write_lines(found, args.clusters, "clusters", args.output_format, "n")
            summary["clusters"] = found.count()
        summary["seconds"] = round(time.time() - started, 1)
        print("crosscheck-spark xref: " + json.dumps(summary), file=sys.stderr)
    finally:
        spark.stop()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        run(args)
    except InputError as e:
        print(f"crosscheck-spark xref: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
