#!/usr/bin/env bash
# Runs yente's own HTTP tests against `crosscheck serve` (issue 16: compatibility is tested, not
# claimed). yente's test files (MIT) are copied from a yente checkout into a temporary folder,
# never into the project, beside our conftest (tests/yente/conftest.py), which loads yente's two
# fixture datasets from the shared data, starts the server on a free loopback port and hands the
# tests an httpx client. Tests that patch yente's internals are skipped by tests/yente/skip.txt.
#
# Usage: scripts/yente_tests.sh [YENTE_CHECKOUT] [PYTEST_ARGS...]   (e.g. -k reconcile)
#   YENTE_CHECKOUT  a yente git repository (bare or not: the files are read at HEAD, or at
#                   $YENTE_REF) or a plain folder with tests/; default the local mirror
#                   /work/.mirror/opensanctions+yente/repo
# Environment: CROSSCHECK_BIN (default target/release/crosscheck; build it with
#   `cargo build --release -p crosscheck-cli`), CROSSCHECK_REFERENCE_DATA (default ../shared/data),
#   YENTE_TESTS_VENV (default target/venv, as .ci/run makes it: created with
#   tests/http/requirements.txt when absent), YENTE_TESTS_KEEP_LOG (a file to keep the server's log in).
# Prints passed/failed/skipped and each failure; exits as pytest exits (0: all ran passed).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CHECKOUT=/work/.mirror/opensanctions+yente/repo
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    CHECKOUT=$1
    shift
fi
REF=${YENTE_REF:-HEAD}
VENV=${YENTE_TESTS_VENV:-$ROOT/target/venv}
BIN=${CROSSCHECK_BIN:-$ROOT/target/release/crosscheck}
DATA=${CROSSCHECK_REFERENCE_DATA:-$ROOT/../shared/data}
TESTS="test_match test_search test_entity test_reconcile test_base test_app test_trace_context"

if [ ! -x "$BIN" ]; then
    echo "yente_tests: $BIN is missing; build it with: cargo build --release -p crosscheck-cli" >&2
    exit 2
fi
if [ ! -d "$DATA/ftm_samples" ]; then
    echo "yente_tests: $DATA/ftm_samples is missing; set CROSSCHECK_REFERENCE_DATA to the shared data folder" >&2
    exit 2
fi
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet -r "$ROOT/tests/http/requirements.txt"
fi
# the tests run from a temporary folder: every path given relative to here is made absolute
VENV=$(cd "$VENV" && pwd)
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
DATA=$(cd "$DATA" && pwd)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/yente-tests.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/tests"
if git -C "$CHECKOUT" rev-parse --git-dir >/dev/null 2>&1; then
    commit=$(git -C "$CHECKOUT" rev-parse "$REF")
    for t in $TESTS; do git -C "$CHECKOUT" show "$commit:tests/$t.py" >"$WORK/tests/$t.py"; done
    echo "yente_tests: yente's tests at $commit"
else
    for t in $TESTS; do cp "$CHECKOUT/tests/$t.py" "$WORK/tests/"; done
    echo "yente_tests: yente's tests from $CHECKOUT"
fi
cp -r "$ROOT/tests/yente/conftest.py" "$ROOT/tests/yente/skip.txt" "$ROOT/tests/yente/_stubs" \
    "$ROOT/tests/yente/_stubs_fastapi" "$WORK/tests/"
: >"$WORK/tests/__init__.py"
printf '[pytest]\nasyncio_default_fixture_loop_scope = function\n' >"$WORK/pytest.ini"

status=0
(cd "$WORK" && CROSSCHECK_PROJECT="$ROOT" CROSSCHECK_BIN="$BIN" CROSSCHECK_REFERENCE_DATA="$DATA" \
    "$VENV/bin/python" -m pytest -p no:cacheprovider -q -rfEs --tb=line --junitxml="$WORK/junit.xml" tests "$@") ||
    status=$?

"$VENV/bin/python" - "$WORK/junit.xml" <<'EOF'
import os
import sys
import xml.etree.ElementTree as ET

if not os.path.exists(sys.argv[1]):
    sys.exit("yente's tests did not run (see the errors above)")

counts = {"passed": 0, "failed": 0, "skipped": 0}
failures = []
for case in ET.parse(sys.argv[1]).iter("testcase"):
    name = f"{case.get('classname', '').split('.')[-1]}.py::{case.get('name')}"
    if case.find("failure") is not None or case.find("error") is not None:
        counts["failed"] += 1
        node = case.find("failure") if case.find("failure") is not None else case.find("error")
        failures.append((name, (node.get("message") or "").splitlines()[0][:160] if node.get("message") else ""))
    elif case.find("skipped") is not None:
        counts["skipped"] += 1
    else:
        counts["passed"] += 1
print(f"yente's tests against crosscheck serve: passed {counts['passed']}, failed {counts['failed']}, skipped {counts['skipped']}")
for name, message in failures:
    print(f"  FAILED {name}: {message}")
EOF
exit $status
