# mypy: ignore-errors
"""Our conftest for yente's own HTTP tests, run against `crosscheck serve`.

`scripts/yente_tests.sh` copies yente's test files (never into the project) beside this file and
runs pytest. At import this conftest:

- starts `crosscheck serve` on yente's two fixture datasets with `tests/http/fixture_server.py`
  (the launcher schemathesis uses too), stopped when the session ends;
- offers what yente's test files import from their conftest: `client` (an `httpx.Client` with the
  server's `base_url`), `assert_entity_shape` (the same checks as yente's, written anew), the
  fixtures `zala_test_dataset` and `parteispenden_test_dataset` (no-ops: both datasets are always
  loaded), and inert `ZALA_MANIFEST`, `FIXTURES_PATH`, `patch_yente_catalog`,
  `patch_catalog_response`, `build_index_alias_name_for_fixture` for the tests that patch yente
  (those are skipped);
- puts stand-ins for the `yente` modules the test files import at their top level on the path
  (`_stubs/`), and for `fastapi.testclient` when FastAPI is not installed;
- skips the tests listed in `skip.txt` (one `file::test  reason` a line), with the reason.

Environment: CROSSCHECK_BIN (default: target/release/crosscheck of the project),
CROSSCHECK_REFERENCE_DATA (default: ../shared/data beside the project), CROSSCHECK_PROJECT (the
project root, set by the runner).
"""

import atexit
import contextlib
import datetime
import os
import re
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_stubs"))
try:
    import fastapi.testclient  # noqa: F401
except ImportError:
    sys.path.insert(0, str(HERE / "_stubs_fastapi"))

from yente.data.manifest import Manifest  # noqa: E402  (the stand-in)

PROJECT = Path(os.environ.get("CROSSCHECK_PROJECT", HERE.parent.parent))
sys.path.insert(0, str(PROJECT / "tests" / "http"))
from fixture_server import FIXTURES as FIXTURES_PATH, FixtureServer  # noqa: E402

_server = FixtureServer()
BASE_URL = _server.url


def _stop_server() -> None:
    _server.stop(keep_log=os.environ.get("YENTE_TESTS_KEEP_LOG"))


atexit.register(_stop_server)

client = httpx.Client(base_url=BASE_URL, timeout=60)


def pytest_sessionfinish(session, exitstatus):
    client.close()
    _stop_server()


# Skips: `file::test  reason` a line; `#` starts a comment.
def _skips() -> dict[str, str]:
    skips = {}
    path = HERE / "skip.txt"
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        test_id, _, reason = line.partition(" ")
        skips[test_id] = reason.strip() or "listed in skip.txt"
    return skips


def pytest_collection_modifyitems(config, items):
    skips = _skips()
    for item in items:
        key = f"{Path(item.fspath).name}::{item.name}"
        if key in skips:
            item.add_marker(pytest.mark.skip(reason=skips[key]))


def pytest_configure(config):
    config.addinivalue_line("markers", "asyncio: yente's async tests (all skipped here)")


# The fixtures yente's tests name. Both datasets are loaded for the whole session.
@pytest.fixture
def zala_test_dataset():
    yield


@pytest.fixture
def parteispenden_test_dataset():
    yield


# Inert stand-ins for what the tests that patch yente import from its conftest (they are skipped).
ZALA_MANIFEST = Manifest.model_validate(
    {"datasets": [{"name": "zala", "title": "Zala Test Dataset", "load": True}]}
)
PARTEISPENDEN_MANIFEST = Manifest.model_validate(
    {"datasets": [{"name": "parteispenden", "title": "German political party donations", "load": True}]}
)


def build_index_alias_name_for_fixture(fixture_name: str) -> str:
    return f"crosscheck-fixture-{fixture_name}"


@contextlib.asynccontextmanager
async def patch_yente_catalog(manifest):
    yield


@contextlib.contextmanager
def patch_catalog_response(response_data: dict):
    yield None, None


# The wire shape of an entity, as yente's conftest pins it: these checks are ours.
ENTITY_KEYS = {
    "id",
    "caption",
    "schema",
    "properties",
    "datasets",
    "referents",
    "target",
    "first_seen",
    "last_seen",
    "last_change",
}
SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
DATASET_NAME = re.compile(r"^[a-z0-9_]+$")


def _schema_names() -> set[str]:
    """FtM's schema names, from the model's table (the same FtM release the server knows)."""
    table = PROJECT / "crates" / "crosscheck-model" / "src" / "schema_table.rs"
    return set(re.findall(r'^        name: "(\w+)",$', table.read_text(), re.M))


SCHEMATA = _schema_names()


def assert_entity_shape(data: dict[str, Any]) -> None:
    missing = ENTITY_KEYS - set(data)
    assert not missing, (missing, sorted(data))
    assert isinstance(data["id"], str) and data["id"], data["id"]
    assert isinstance(data["caption"], str) and data["caption"], data["caption"]
    assert data["schema"] in SCHEMATA, data["schema"]
    assert isinstance(data["properties"], dict), data["properties"]
    for prop, values in data["properties"].items():
        assert isinstance(prop, str), prop
        assert isinstance(values, list), (prop, values)
        for value in values:
            if isinstance(value, dict):
                assert_entity_shape(value)
            else:
                assert isinstance(value, str), (prop, value)
    assert isinstance(data["datasets"], list), data["datasets"]
    for name in data["datasets"]:
        assert isinstance(name, str) and DATASET_NAME.match(name), name
    assert isinstance(data["referents"], list), data["referents"]
    assert all(isinstance(r, str) for r in data["referents"]), data["referents"]
    assert isinstance(data["target"], bool), data["target"]
    for key in ("first_seen", "last_seen", "last_change"):
        value = data[key]
        if value is not None:
            assert isinstance(value, str) and SECONDS.match(value), (key, value)
            parsed = datetime.datetime.fromisoformat(value)
            assert parsed.tzinfo is None and parsed.isoformat() == value, (key, value)
