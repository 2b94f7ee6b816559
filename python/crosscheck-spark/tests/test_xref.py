"""The Spark job against `crosscheck xref`: the same inputs must give the same lines, byte for
byte. Runs the job as a user would (`python -m crosscheck_spark.xref`, Spark `local[2]`).

Needs the release binary (`CROSSCHECK_BIN`, default `target/release/crosscheck`). Tests that
read the shared reference data carry `shared_data` in their name: without the data they skip
with a message, except under `CI=true`, where they fail.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(os.environ.get("CROSSCHECK_BIN", ROOT / "target" / "release" / "crosscheck"))
DATA = Path(os.environ.get("CROSSCHECK_REFERENCE_DATA", ROOT.parent / "shared" / "data"))


def need_data():
    if not DATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs the shared reference data at {DATA}")
        pytest.skip(f"SKIPPED: no shared reference data at {DATA}")


@pytest.fixture(scope="session", autouse=True)
def binary():
    if not BIN.exists():
        pytest.fail(f"no crosscheck binary at {BIN}: cargo build --release -p crosscheck-cli")


def crosscheck(data_dir, *args):
    out = subprocess.run([str(BIN), "--data-dir", str(data_dir), *map(str, args)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out


def spark_job(*args):
    return subprocess.run([sys.executable, "-m", "crosscheck_spark.xref", "--master", "local[2]", *map(str, args)],
                          capture_output=True, text=True)


def lines_of(folder):
    parts = sorted(p for p in Path(folder).iterdir() if p.name.startswith("part-"))
    assert (Path(folder) / "_SUCCESS").exists(), "the job marked its output complete"
    return b"".join(p.read_bytes() for p in parts)


def stored_jsonl(tmp, csv, mapping, dataset):
    """The FtM JSON lines of a CSV as `crosscheck load --mapping` makes them (the store's
    entities file is FtM JSON lines)."""
    tmp.mkdir(parents=True, exist_ok=True)
    data = tmp / "csv-load"
    crosscheck(data, "load", "--format", "csv", "--mapping", ROOT / "scripts" / "xref_mappings" / mapping,
               "--dataset", dataset, csv)
    version = (data / "datasets" / dataset / "CURRENT").read_text().strip()
    out = tmp / f"{dataset}.jsonl"
    out.write_bytes((data / "datasets" / dataset / version / "entities.jsonl").read_bytes())
    return out


def same_as_xref(tmp, inputs, against=(), extra=()):
    """Runs `crosscheck xref` on the loaded files and the Spark job on the files themselves;
    both must write the same pairs and clusters. Returns the job's summary."""
    data = tmp / "xref-data"
    for f in [*inputs, *against]:
        crosscheck(data, "load", "--dataset", f.name.split(".")[0], f)
    cmd = ["xref", "--dataset", inputs[0].name.split(".")[0], "-o", tmp / "cc-pairs.jsonl",
           "--clusters", tmp / "cc-clusters.jsonl", *extra]
    if against:
        cmd += ["--against", against[0].name.split(".")[0]]
    crosscheck(data, *cmd)
    job = ["--input", *inputs, "--output", tmp / "sp-pairs", "--clusters", tmp / "sp-clusters", *extra]
    if against:
        job += ["--against", *against]
    out = spark_job(*job)
    assert out.returncode == 0, out.stderr[-3000:]
    pairs, expected_pairs = lines_of(tmp / "sp-pairs"), (tmp / "cc-pairs.jsonl").read_bytes()
    assert pairs.count(b"\n") == expected_pairs.count(b"\n")
    assert pairs == expected_pairs, "the pairs, their scores, explanations and order are xref's"
    assert lines_of(tmp / "sp-clusters") == (tmp / "cc-clusters.jsonl").read_bytes()
    summary = [line for line in out.stderr.splitlines() if line.startswith("crosscheck-spark xref: {")]
    return json.loads(summary[-1].split(": ", 1)[1])


def person(id_, name, birth=None, **more):
    props = {"name": [name], **{k: [v] for k, v in more.items()}}
    if birth:
        props["birthDate"] = [birth]
    return {"id": id_, "schema": "Person", "properties": props}


def namesakes():
    """One man in two scripts, his namesake born another year, a record that gives only the
    year (and would chain the two), a woman given in two records (merged), a company."""
    return [
        person("x1", "Ivan Petrovich Sidorov", "1970-05-01"),
        person("x2", "Иван Петрович Сидоров", "1970-05-01"),
        person("x3", "Ivan Petrovich Sidorov", "1988-11-30"),
        person("x4", "Ivan P. Sidorov", "1970"),
        person("x5", "Maria Gonzalez", None),
        person("x5", "Maria Gonzalez Ruiz", "1990-02-03"),
        person("x6", "Maria Gonzales", "1990-02-03"),
        {"id": "c1", "schema": "Company", "properties": {"name": ["Sidorov Trading"]}},
    ]


def write_jsonl(path, entities, raw=()):
    with open(path, "w", encoding="utf-8") as f:
        for e in entities:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
        for line in raw:
            f.write(line + "\n")
    return path


def test_a_small_dataset_gives_xrefs_pairs_and_clusters(tmp_path):
    people = write_jsonl(tmp_path / "people.jsonl", namesakes())
    summary = same_as_xref(tmp_path, [people])
    assert summary["entities"] == 7, "the two records of x5 are one entity"
    assert summary["matches"] >= 2


def test_judgements_join_and_separate_as_in_xref(tmp_path):
    people = write_jsonl(tmp_path / "people.jsonl", namesakes())
    judgements = tmp_path / "judgements.jsonl"
    judgements.write_text("\n".join(json.dumps(j) for j in [
        {"left": {"dataset": "people", "id": "x1"}, "right": {"dataset": "people", "id": "x2"},
         "judgement": "different", "reason": "checked"},
        {"left": {"dataset": "people", "id": "x3"}, "right": {"dataset": "people", "id": "c1"},
         "judgement": "same", "reason": "his firm"},
        {"left": {"dataset": "other", "id": "y"}, "right": {"dataset": "people", "id": "x1"},
         "judgement": "same", "reason": "elsewhere"},
    ]) + "\n")
    summary = same_as_xref(tmp_path, [people], extra=["--judgements", judgements])
    assert (summary["judgements_applied"], summary["judgements_elsewhere"]) == (2, 1)
    clusters = [json.loads(line) for line in lines_of(tmp_path / "sp-clusters").splitlines()]
    together = {frozenset(m["id"] for m in c["members"]) for c in clusters}
    assert any({"x3", "c1"} <= c for c in together), "`same` joins whatever the scores"
    assert not any({"x1", "x2"} <= c for c in together), "`different` keeps apart"


def test_parquet_input_gives_the_pairs_of_its_json_lines(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    people = write_jsonl(tmp_path / "people.jsonl", namesakes())
    same_as_xref(tmp_path, [people])
    expected = lines_of(tmp_path / "sp-pairs")
    rows = namesakes()
    table = pa.table({
        "id": [r["id"] for r in rows],
        "schema": [r["schema"] for r in rows],
        "properties": pa.array([list(r["properties"].items()) for r in rows],
                               type=pa.map_(pa.string(), pa.list_(pa.string()))),
    })
    pq.write_table(table, tmp_path / "people.parquet")
    out = spark_job("--input", tmp_path / "people.parquet", "--output", tmp_path / "pq-pairs")
    assert out.returncode == 0, out.stderr[-3000:]
    assert lines_of(tmp_path / "pq-pairs") == expected
    out = spark_job("--input", tmp_path / "people.parquet", "--output", tmp_path / "pq-out", "--clusters",
                    tmp_path / "pq-clusters", "--output-format", "parquet")
    assert out.returncode == 0, out.stderr[-3000:]
    rows = pq.read_table(tmp_path / "pq-out").to_pylist()
    lines = [json.loads(line) for line in expected.splitlines()]
    assert [{**r, "explanation": json.loads(r["explanation"])} for r in rows] == lines, "the lines' fields, in order"
    clusters = pq.read_table(tmp_path / "pq-clusters").to_pylist()
    assert clusters == [json.loads(line) for line in lines_of(tmp_path / "sp-clusters").splitlines()]
    pq.write_table(pa.table({"id": ["a", "b"], "schema": ["Person", "Starship"],
                             "properties": ['{"name": ["A"]}', '{"name": ["B"]}']}), tmp_path / "bad.parquet")
    out = spark_job("--input", tmp_path / "bad.parquet", "--output", tmp_path / "bad-pairs")
    assert out.returncode == 2 and "bad.parquet: row 2: unknown schema `Starship`" in out.stderr, out.stderr[-2000:]


def test_an_unreadable_line_stops_the_job_naming_file_and_line_and_nothing_is_written(tmp_path):
    bad = write_jsonl(tmp_path / "bad.jsonl", namesakes()[:2], raw=["", '{"id": "z", "schema": "Starship"}'])
    out = spark_job("--input", bad, "--output", tmp_path / "pairs", "--clusters", tmp_path / "clusters")
    assert out.returncode == 2, out.stderr[-3000:]
    assert f"{bad}: line 4: unknown schema `Starship`" in out.stderr
    assert not (tmp_path / "pairs").exists() and not (tmp_path / "clusters").exists()


def test_a_parquet_file_without_a_column_is_named(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["a"], "properties": ['{"name": ["A"]}']}), tmp_path / "no-schema.parquet")
    out = spark_job("--input", tmp_path / "no-schema.parquet", "--output", tmp_path / "pairs")
    assert out.returncode == 2, out.stderr[-3000:]
    assert "no-schema.parquet: no column `schema`" in out.stderr
    assert not (tmp_path / "pairs").exists()


def test_usage_errors_exit_2_before_spark_starts(tmp_path):
    people = write_jsonl(tmp_path / "people.jsonl", namesakes())
    cases = [
        (["--input", tmp_path / "missing.jsonl", "--output", tmp_path / "o"], "missing.jsonl: no such file"),
        (["--input", people, "--against", people, "--output", tmp_path / "o"], "--against names the dataset"),
        (["--input", people, "--output", tmp_path / "o", "--threshold", "2"], "a threshold is between 0 and 1"),
    ]
    for args, message in cases:
        out = spark_job(*args)
        assert out.returncode == 2 and message in out.stderr, (args, out.stderr[-2000:])
    bad = tmp_path / "j.jsonl"
    bad.write_text('{"left": {"dataset": "people", "id": "x1"}, "right": {"dataset": "people", "id": "x2"}, '
                   '"judgement": "same"}\n{"left": 1}\n')
    out = spark_job("--input", people, "--output", tmp_path / "o", "--judgements", bad)
    assert out.returncode == 2 and f"{bad}: line 2:" in out.stderr, out.stderr[-2000:]
    assert not (tmp_path / "o").exists()


def test_the_50k_historical_figures_give_xrefs_pairs_and_clusters_shared_data(tmp_path):
    need_data()
    jsonl = stored_jsonl(tmp_path, DATA / "linkage" / "historical_figures_with_errors_50k.csv",
                         "historical_50k.yml", "h50k")
    summary = same_as_xref(tmp_path, [jsonl])
    assert summary["entities"] == 50578 and summary["matches"] > 100000, summary


def test_febrl4_linked_gives_xrefs_pairs_and_clusters_shared_data(tmp_path):
    need_data()
    a = stored_jsonl(tmp_path / "a", DATA / "linkage" / "febrl" / "dataset4a.csv", "febrl.yml", "febrl4a")
    b = stored_jsonl(tmp_path / "b", DATA / "linkage" / "febrl" / "dataset4b.csv", "febrl.yml", "febrl4b")
    summary = same_as_xref(tmp_path, [a], against=[b])
    assert summary["entities"] == 10000 and summary["matches"] > 4000, summary
