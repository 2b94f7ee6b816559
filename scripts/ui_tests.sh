#!/usr/bin/env bash
# The review page's browser tests (issue 17): starts `crosscheck serve` on a temporary data dir
# (the invented screening list of examples/screening, the invented hostile case's records, and
# the UN Security Council list from the shared data when it is there), with the cases of
# examples/defector and tests/ui/cases/hostile, a reviewer and a reader token, and runs
# tests/ui with pytest and Selenium driving Debian's chromium through /usr/bin/chromedriver.
#
# Usage: scripts/ui_tests.sh [PYTEST_ARGS...]   (e.g. -k hostile)
# Environment: CROSSCHECK_BIN (default target/release/crosscheck, else target/debug/crosscheck),
#   UI_TESTS_VENV (default target/venv: tests/ui/requirements.txt installed there when absent),
#   CROSSCHECK_REFERENCE_DATA (default ../shared/data), CI (true: a missing UN list fails its test).
# Screenshots go to target/ci-artifacts/ui-*.png, the server's log to target/ci-artifacts/ui-serve.log.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${UI_TESTS_VENV:-$ROOT/target/venv}
DATA=${CROSSCHECK_REFERENCE_DATA:-$ROOT/../shared/data}
BIN=${CROSSCHECK_BIN:-}
if [ -z "$BIN" ]; then
    BIN=$ROOT/target/release/crosscheck
    [ -x "$BIN" ] || BIN=$ROOT/target/debug/crosscheck
fi
case "$BIN" in /*) ;; *) BIN=$ROOT/$BIN ;; esac
case "$VENV" in /*) ;; *) VENV=$ROOT/$VENV ;; esac
if [ ! -x "$BIN" ]; then
    echo "ui_tests: $BIN is missing; build it with: cargo build --release -p crosscheck-cli" >&2
    exit 2
fi
if [ ! -x /usr/bin/chromedriver ]; then
    echo "ui_tests: /usr/bin/chromedriver is missing; install it with: apt-get install chromium-driver" >&2
    exit 2
fi
if ! "$VENV/bin/python" -c 'import selenium, pytest' >/dev/null 2>&1; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -r "$ROOT/tests/ui/requirements.txt"
fi

WORK=$(mktemp -d)
ARTIFACTS=$ROOT/target/ci-artifacts
mkdir -p "$ARTIFACTS"
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

cc() { "$BIN" --data-dir "$WORK/data" "$@"; }
cc load --dataset screening --kind watchlist "$ROOT/examples/screening/watchlist.jsonl" >/dev/null
cc load --dataset hostile --kind leak "$ROOT/tests/ui/cases/hostile/evidence.jsonl" >/dev/null
UN_LIST=$DATA/watchlists/un_sc/consolidated_un_2025-04-19.xml
if [ -f "$UN_LIST" ]; then
    cc load --dataset un "$UN_LIST" >/dev/null 2>&1
    export UI_TESTS_UN_LIST=$UN_LIST
fi
# a cross-reference of the watchlist, so that /ui/xref has pairs to judge (issue 18)
cc xref --dataset screening -o /dev/null 2>/dev/null
mkdir -p "$WORK/cases"
cp -r "$ROOT/examples/defector" "$WORK/cases/defector"
cp -r "$ROOT/tests/ui/cases/hostile" "$WORK/cases/hostile"
UI_TESTS_REVIEWER=$(cc token add vera --role reviewer 2>/dev/null | head -1)
UI_TESTS_READER=$(cc token add rita --role reader 2>/dev/null | head -1)
export UI_TESTS_REVIEWER UI_TESTS_READER

"$BIN" --data-dir "$WORK/data" serve --bind 127.0.0.1:0 --cases "$WORK/cases" 2>"$ARTIFACTS/ui-serve.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do
    ADDR=$(grep -o 'listening on http://[0-9.:]*' "$ARTIFACTS/ui-serve.log" | head -1 | sed 's/listening on //') || true
    [ -n "${ADDR:-}" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$ARTIFACTS/ui-serve.log" >&2; exit 2; }
    sleep 0.1
done
if [ -z "${ADDR:-}" ]; then
    echo "ui_tests: the server did not start" >&2
    cat "$ARTIFACTS/ui-serve.log" >&2
    exit 2
fi
export UI_TESTS_URL=$ADDR UI_TESTS_ARTIFACTS=$ARTIFACTS UI_TESTS_SERVER_LOG=$ARTIFACTS/ui-serve.log
cd "$ROOT/tests/ui"
"$VENV/bin/python" -m pytest -q -rs "$@" .
