"""`crosscheck serve` on yente's two fixture datasets, for the tests that talk to it over HTTP.

One launcher for every such test: yente's own tests (tests/yente/conftest.py imports it) and
schemathesis (scripts/schemathesis.sh runs it as a command). It loads the fixtures from the shared
data (`ftm_samples/yente_zala_entities.ftm.json` as `zala`, a watchlist, and
`yente_parteispenden_entities.ftm.json` as `parteispenden`) into a temporary data directory,
starts the server on a free loopback port and stops it at the end.

As a command, it runs another command with `{url}` in its arguments replaced by the server's
address, and exits 1 when the server logged a 5xx answer or a panic (else as the command exits):

    python tests/http/fixture_server.py -- schemathesis run DOC --url {url}

Environment: CROSSCHECK_BIN (default target/release/crosscheck of the project),
CROSSCHECK_REFERENCE_DATA (default ../shared/data beside the project). Standard library only.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent.parent
BIN = Path(os.environ.get("CROSSCHECK_BIN", PROJECT / "target" / "release" / "crosscheck"))
DATA = Path(os.environ.get("CROSSCHECK_REFERENCE_DATA", PROJECT.parent / "shared" / "data"))
FIXTURES = DATA / "ftm_samples"
DATASETS = [
    ("zala", "yente_zala_entities.ftm.json", "watchlist"),
    ("parteispenden", "yente_parteispenden_entities.ftm.json", "other"),
]


def missing() -> list[Path]:
    """The fixture files that are not there."""
    return [FIXTURES / file for _, file, _ in DATASETS if not (FIXTURES / file).exists()]


class FixtureServer:
    """A running `crosscheck serve` over the fixtures: `url`, `log` (its stderr so far), `stop()`."""

    def __init__(self) -> None:
        if not BIN.exists():
            sys.exit(f"{BIN} is missing: build it with `cargo build --release -p crosscheck-cli`")
        for path in missing():
            sys.exit(f"{path} is missing: set CROSSCHECK_REFERENCE_DATA to the shared data folder")
        self.work = Path(tempfile.mkdtemp(prefix="crosscheck-fixtures-"))
        data_dir = self.work / "data"
        for name, file, kind in DATASETS:
            subprocess.run(
                [str(BIN), "--data-dir", str(data_dir), "load", str(FIXTURES / file), "--dataset", name, "--kind", kind],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        self.log_path = self.work / "serve.log"
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [str(BIN), "--data-dir", str(data_dir), "serve", "--bind", "127.0.0.1:0"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = re.search(r"listening on (http://[0-9.:]+)", self.log())
            if found:
                self.url = found.group(1)
                return
            if self.proc.poll() is not None:
                sys.exit(f"crosscheck serve stopped at once:\n{self.log()}")
            time.sleep(0.05)
        self.proc.kill()
        sys.exit("crosscheck serve did not start within 60 s")

    def log(self) -> str:
        return self.log_path.read_text()

    def errors(self) -> list[str]:
        """The log lines of 5xx answers and panics."""
        return [line for line in self.log().splitlines() if re.search(r" 5\d\d \d+ms|panic", line, re.I)]

    def stop(self, keep_log: str | None = None) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if keep_log and self.log_path.exists():
            shutil.copy(self.log_path, keep_log)
        shutil.rmtree(self.work, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv[:1] != ["--"] or len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    server = FixtureServer()
    try:
        status = subprocess.run([a.replace("{url}", server.url) for a in argv[1:]]).returncode
        errors = server.errors()
        if errors:
            print("the server logged an error:", *errors[:20], sep="\n  ", file=sys.stderr)
            status = status or 1
        return status
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
