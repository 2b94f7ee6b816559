#!/usr/bin/env bash
# The Spark job (python -m crosscheck_spark.xref) on a real Spark standalone cluster, not
# local mode: starts one master and two workers on 127.0.0.1 (each worker 1 core and 1 GB)
# from the scripts and jars bundled in the pip-installed pyspark, links FEBRL 4 (dataset4a
# against dataset4b) with the job on that cluster and with `crosscheck xref`, and compares the
# pairs and the clusters byte for byte. Checks in the workers' logs that executors were
# launched, so the job cannot have quietly run in local mode.
#
# Usage: scripts/spark_standalone.sh
# Environment: PYTHON (default python3: an interpreter with crosscheck-spark and pyspark
#   installed; the executors run it too), CROSSCHECK_BIN (default target/release/crosscheck),
#   CROSSCHECK_REFERENCE_DATA (default ../shared/data), JAVA_HOME (else java on PATH; Java 17+).
# Work files go to a `mktemp -d` directory, removed at the end; the cluster is stopped on exit.
# Exit codes: 0 identical; 1 a difference or a failed step; 2 something needed is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
BIN=${CROSSCHECK_BIN:-target/release/crosscheck}
DATA=${CROSSCHECK_REFERENCE_DATA:-$ROOT/../shared/data}
case "$BIN" in /*) ;; *) BIN=$ROOT/$BIN ;; esac
case "$DATA" in /*) ;; *) DATA=$ROOT/$DATA ;; esac

say() { echo "spark_standalone: $*"; }
fail() { echo "spark_standalone: FAILED: $*" >&2; exit 1; }
missing() { echo "spark_standalone: $*" >&2; exit 2; }

[ -x "$BIN" ] || missing "no crosscheck binary at $BIN: cargo build --release -p crosscheck-cli"
for f in dataset4a.csv dataset4b.csv; do
    [ -f "$DATA/linkage/febrl/$f" ] || missing "no $DATA/linkage/febrl/$f (set CROSSCHECK_REFERENCE_DATA)"
done
command -v "$PYTHON" >/dev/null || missing "no python interpreter $PYTHON (set PYTHON)"
# an absolute path (the job runs from the work dir), not resolved: a venv's python is a link
case "$PYTHON" in /*) ;; */*) PYTHON=$PWD/$PYTHON ;; *) PYTHON=$(command -v "$PYTHON") ;; esac
"$PYTHON" -c 'import crosscheck_spark.native, pyspark' 2>/dev/null \
    || missing "$PYTHON cannot import crosscheck_spark and pyspark: pip install 'python/crosscheck-spark[spark]'"
if [ -n "${JAVA_HOME:-}" ]; then JAVA=$JAVA_HOME/bin/java; else JAVA=$(command -v java || true); fi
[ -n "$JAVA" ] && [ -x "$JAVA" ] || missing "no java (install Java 17, or set JAVA_HOME)"

SPARK_HOME=$("$PYTHON" -c 'import pyspark, os; print(os.path.dirname(pyspark.__file__))')
[ -x "$SPARK_HOME/bin/spark-class" ] || missing "no $SPARK_HOME/bin/spark-class in the pip-installed pyspark"
export SPARK_HOME
# everything on loopback; the executors run the interpreter that has the engine
export SPARK_LOCAL_IP=127.0.0.1
export PYSPARK_PYTHON=$PYTHON
export PYSPARK_DRIVER_PYTHON=$PYTHON

WORK=$(mktemp -d /tmp/spark-standalone.XXXXXX)
export SPARK_LOCAL_DIRS=$WORK/spark-local
mkdir -p "$SPARK_LOCAL_DIRS" "$WORK/logs"
PIDS=()
cleanup() {
    local status=$?
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$status" -ne 0 ] && [ -d "$WORK/logs" ]; then
        for log in "$WORK"/logs/*.log; do
            echo "---- last lines of $(basename "$log") ----" >&2
            tail -n 15 "$log" >&2 || true
        done
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

STARTED=$(date +%s)

# a free port for the master (asked of the kernel, then released)
PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MASTER=spark://127.0.0.1:$PORT

# waits until LOG has a line matching PATTERN, or fails after SECONDS (or when PID has exited)
wait_for() {
    local log=$1 pattern=$2 seconds=$3 pid=$4 what=$5 i
    for ((i = 0; i < seconds * 2; i++)); do
        grep -q "$pattern" "$log" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || fail "$what exited (log: $log)"
        sleep 0.5
    done
    fail "$what not ready after ${seconds}s (log: $log)"
}

say "starting the master at $MASTER (pyspark $("$PYTHON" -c 'import pyspark; print(pyspark.__version__)'), $SPARK_HOME)"
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$PORT" --webui-port 0 >"$WORK/logs/master.log" 2>&1 &
PIDS+=($!)
wait_for "$WORK/logs/master.log" "I have been elected leader" 90 "${PIDS[0]}" "the master"

for w in 1 2; do
    mkdir -p "$WORK/worker$w"
    "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker "$MASTER" \
        --host 127.0.0.1 --cores 1 --memory 1g --webui-port 0 --work-dir "$WORK/worker$w" \
        >"$WORK/logs/worker$w.log" 2>&1 &
    PIDS+=($!)
done
for w in 1 2; do
    wait_for "$WORK/logs/worker$w.log" "Successfully registered with master" 90 "${PIDS[$w]}" "worker $w"
done
say "two workers registered (1 core, 1 GB each)"

say "FEBRL 4 as FtM JSON lines (crosscheck load --format csv --mapping scripts/xref_mappings/febrl.yml)"
for side in a b; do
    "$BIN" --data-dir "$WORK/d0" load --format csv --mapping "$ROOT/scripts/xref_mappings/febrl.yml" \
        --dataset "febrl4$side" "$DATA/linkage/febrl/dataset4$side.csv" 2>>"$WORK/logs/crosscheck.log" \
        || fail "crosscheck load of dataset4$side.csv"
    version=$(cat "$WORK/d0/datasets/febrl4$side/CURRENT")
    cp "$WORK/d0/datasets/febrl4$side/$version/entities.jsonl" "$WORK/febrl4$side.jsonl"
done
say "  febrl4a.jsonl $(wc -l <"$WORK/febrl4a.jsonl") lines, febrl4b.jsonl $(wc -l <"$WORK/febrl4b.jsonl") lines"

say "crosscheck xref --dataset febrl4a --against febrl4b"
T0=$(date +%s)
for side in a b; do
    "$BIN" --data-dir "$WORK/d1" load --dataset "febrl4$side" "$WORK/febrl4$side.jsonl" \
        2>>"$WORK/logs/crosscheck.log" || fail "crosscheck load of febrl4$side.jsonl"
done
"$BIN" --data-dir "$WORK/d1" xref --dataset febrl4a --against febrl4b \
    -o "$WORK/cc-pairs.jsonl" --clusters "$WORK/cc-clusters.jsonl" 2>>"$WORK/logs/crosscheck.log" \
    || fail "crosscheck xref"
say "  done in $(($(date +%s) - T0))s: $(wc -l <"$WORK/cc-pairs.jsonl") pairs, $(wc -l <"$WORK/cc-clusters.jsonl") clusters"

say "the Spark job on $MASTER"
T0=$(date +%s)
(cd "$WORK" && "$PYTHON" -m crosscheck_spark.xref --master "$MASTER" \
    --input febrl4a.jsonl --against febrl4b.jsonl --output sp-pairs --clusters sp-clusters) \
    >"$WORK/logs/job.log" 2>&1 || fail "the Spark job (exit $?)"
say "  done in $(($(date +%s) - T0))s"
grep '^crosscheck-spark xref: {' "$WORK/logs/job.log" | sed 's/^/spark_standalone:   /' || true

# the job ran on the cluster: both workers launched an executor for it
for w in 1 2; do
    grep -q "Asked to launch executor" "$WORK/logs/worker$w.log" \
        || fail "worker $w launched no executor: the job did not run on the cluster"
done
say "executors launched: $(grep -h "Asked to launch executor" "$WORK"/logs/worker*.log | sed 's/.*Asked to launch executor \([^ ]*\).*/\1/' | tr '\n' ' ')"

for out in pairs clusters; do
    [ -f "$WORK/sp-$out/_SUCCESS" ] || fail "sp-$out has no _SUCCESS"
    if ! cat "$WORK/sp-$out"/part-* | cmp - "$WORK/cc-$out.jsonl"; then
        fail "the job's $out differ from crosscheck xref's"
    fi
    say "  $out: $(cat "$WORK/sp-$out"/part-* | wc -l) lines, identical"
done

say "wall time $(($(date +%s) - STARTED))s"
echo "standalone cluster: pairs and clusters identical to crosscheck xref"
