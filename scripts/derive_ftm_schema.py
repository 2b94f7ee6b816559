#!/usr/bin/env python3
"""Derive crosscheck's table of FollowTheMoney schemata from FtM's own schema definitions.

Source: the `followthemoney` package on PyPI (MIT licence), whose wheel ships the model as
`followthemoney/schema/*.yaml`. The script downloads the wheel of one pinned release from PyPI with
`pip download` (which checks the index's hash), or reads a wheel given with `--wheel`, and writes
crates/crosscheck-model/src/schema_table.rs: every schema with its parents, its `matchable`,
`abstract`, `generated` and `deprecated` flags, and every property it declares itself with our
`PropType`. The generated file records the package, version, release URL, the wheel's SHA-256 and
the licence notice; it is committed, so a clean checkout builds without Python.

Run (from the project root; needs PyYAML):
  python3 scripts/derive_ftm_schema.py                      # the pinned release, from PyPI
  python3 scripts/derive_ftm_schema.py --version 4.11.2 --wheel /tmp/followthemoney-4.11.2-py3-none-any.whl
then `cargo test -p crosscheck-model` checks the table (the output is formatted as it is
meant to stay: `#[rustfmt::skip]` keeps one property a line).

What is mapped, and why (the same text is in the generated header):

- FtM property types -> `PropType`. The fourteen types we have map one to one. The others map
  to the closest type by what we do with a value (clean it, index it, compare it):
  `language` (ISO 639 codes), `mimetype`, `checksum` (a content hash identifies a file, not a
  party: as `identifier` it would become an index key and an identifier feature of every
  document) and `ip` become `string` (kept as they come, never compared); `json` and `html`
  become `text` (long free text, never compared).
- A property FtM marks `matchable: false` whose type is `identifier` becomes `string`. FtM itself
  never matches on such a property (`okvedCode` is a company's line of business, `programId` the
  sanctions programme: thousands of unrelated entities share one); here `identifier` means "an
  index key and an identifier feature of the scorer", so keeping the type would make two Russian
  companies in the same trade share an identifier. Two exceptions, `V1_IDENTIFIERS` (Company
  `kppCode`, LegalEntity `okpoCode`): crosscheck typed them `identifier` before this table was
  derived, and the scorer `crosscheck-v1` is frozen by golden tests, so they stay identifiers (a
  later scorer may follow FtM).
- Reverse properties (FtM's stubs, e.g. `directorshipDirector` on LegalEntity) are not declared:
  FtM computes them and refuses a value for one. A record carrying one keeps it as plain text, as
  every undeclared property.
- Schema flags come from FtM unchanged (`matchable` defaults to true, as in FtM's loader).
"""

import argparse
import hashlib
import io
import json
import os
import re
import sys
import subprocess
import tempfile
import zipfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "crosscheck-model", "src", "schema_table.rs")
PACKAGE = "followthemoney"
VERSION = "4.11.2"  # the newest 4.x on PyPI when derived (2026-12-07)

TYPES = {
    "name": "Name",
    "date": "Date",
    "country": "Country",
    "identifier": "Identifier",
    "address": "Address",
    "phone": "Phone",
    "email": "Email",
    "url": "Url",
    "entity": "Entity",
    "gender": "Gender",
    "text": "Text",
    "string": "String",
    "number": "Number",
    "topic": "Topic",
    # not types of ours: the closest by what we do with a value (see the module doc)
    "language": "String",
    "mimetype": "String",
    "checksum": "String",
    "ip": "String",
    "json": "Text",
    "html": "Text",
}


# (schema, property) pairs that stay `identifier` although FtM marks them `matchable: false`:
# crosscheck-v1 compares and indexes them, and v1 must not move (see the module doc).
V1_IDENTIFIERS = {("Company", "kppCode"), ("LegalEntity", "okpoCode")}


def fetch_wheel(version):
    """Downloads the release's wheel with pip (which checks it against the index's hash);
    returns (bytes, filename, sha256)."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
               "--no-cache-dir", "-d", tmp, f"{PACKAGE}=={version}"]
        subprocess.run(cmd, check=True, stdout=sys.stderr)
        wheels = [f for f in os.listdir(tmp) if f.endswith(".whl")]
        if len(wheels) != 1:
            sys.exit(f"pip download gave {wheels}, not one wheel")
        with open(os.path.join(tmp, wheels[0]), "rb") as f:
            data = f.read()
    return data, wheels[0], hashlib.sha256(data).hexdigest()


def read_wheel(data):
    """The schema definitions and the licence text inside a wheel."""
    schemata = {}
    licence = None
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in sorted(z.namelist()):
            if re.fullmatch(r"followthemoney/schema/[A-Za-z]+\.yaml", name):
                for schema, spec in yaml.safe_load(z.read(name)).items():
                    if schema in schemata:
                        sys.exit(f"schema {schema} defined twice")
                    schemata[schema] = spec or {}
            elif re.search(r"\.dist-info/(licenses/)?LICENSE[^/]*$", name):
                licence = z.read(name).decode("utf-8")
    if not schemata:
        sys.exit("no followthemoney/schema/*.yaml in the wheel")
    if licence is None:
        sys.exit("no LICENSE in the wheel's dist-info")
    return schemata, licence


def as_bool(value, default):
    """FtM's `as_bool`: YAML booleans, or the strings it accepts."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "y", "t", "on")


def property_type(schema, prop, spec):
    """(our PropType, a note when it is not FtM's own type) for one property."""
    ftm = spec.get("type") or "string"
    if ftm not in TYPES:
        sys.exit(f"unknown FtM property type {ftm!r}: map it in TYPES")
    if ftm == "identifier" and not as_bool(spec.get("matchable"), True):
        if (schema, prop) in V1_IDENTIFIERS:
            return "Identifier", "ftm: matchable: false; an identifier for crosscheck-v1"
        return "String", "ftm: identifier, matchable: false"
    ours = TYPES[ftm]
    return ours, (None if ours.lower() == ftm else f"ftm: {ftm}")


def rust_str(s):
    return json.dumps(s, ensure_ascii=False)


def generate(schemata, licence, version, filename, digest):
    names = sorted(schemata)
    for n in names:
        for parent in schemata[n].get("extends") or []:
            if parent not in schemata:
                sys.exit(f"{n} extends unknown {parent}")
    release = f"https://pypi.org/project/{PACKAGE}/{version}/"
    copyright_lines = [line for line in licence.splitlines() if line.lower().startswith("copyright")]
    n_props = sum(len(schemata[n].get("properties") or {}) for n in names)
    out = []
    w = out.append
    w(f"//! Every schema and property of FollowTheMoney {version}, as a table.")
    w("//!")
    w("//! Generated by `scripts/derive_ftm_schema.py`; do not edit (run the script again instead).")
    w("//!")
    w(f"//! - source: the `{PACKAGE}` package, version {version}, {release}")
    w(f"//!   (wheel `{filename}`, SHA-256 `{digest}`),")
    w("//!   files `followthemoney/schema/*.yaml`")
    w(f"//! - {len(names)} schemata, {n_props} properties declared")
    w("//! - mapping of FtM types to `PropType`: as named; `language`, `mimetype`, `checksum`, `ip`")
    w("//!   become `String`, `json` and `html` become `Text`; an `identifier` property FtM marks")
    w("//!   `matchable: false` becomes `String` (FtM never matches on it; ours would index it), but")
    w("//!   for the few crosscheck-v1 compares as identifiers. Each such property carries a")
    w("//!   `// ftm: ...` comment. Reverse (stub) properties are left out.")
    w("//!")
    w("//! Licence of the source (MIT):")
    w("//!")
    w("//! ```text")
    for line in licence.rstrip().splitlines():
        w(("//! " + line).rstrip())
    w("//! ```")
    w("")
    w("use super::PropType::*;")
    w("use super::Schema;")
    w("")
    w("/// The FollowTheMoney release the table was derived from.")
    w(f"pub const FTM_VERSION: &str = {rust_str(version)};")
    w("")
    w("/// The copyright holders of the FtM schema definitions.")
    w("pub const FTM_COPYRIGHT: &[&str] = &[")
    for c in copyright_lines:
        w(f"    {rust_str(c)},")
    w("];")
    w("")
    w("/// Every schema, sorted by name (`index_of` gives the position). One property a line, as")
    w("/// generated, so that the next FtM release is a readable diff.")
    w("#[rustfmt::skip]")
    w("pub(super) static SCHEMATA: &[Schema] = &[")
    for n in names:
        spec = schemata[n]
        extends = ", ".join(rust_str(p) for p in spec.get("extends") or [])
        w("    Schema {")
        w(f"        name: {rust_str(n)},")
        w(f"        extends: &[{extends}],")
        w(f"        matchable: {str(as_bool(spec.get('matchable'), True)).lower()},")
        w(f"        is_abstract: {str(as_bool(spec.get('abstract'), False)).lower()},")
        w(f"        generated: {str(as_bool(spec.get('generated'), False)).lower()},")
        w(f"        deprecated: {str(as_bool(spec.get('deprecated'), False)).lower()},")
        props = spec.get("properties") or {}
        if not props:
            w("        properties: &[],")
        else:
            w("        properties: &[")
            for p in sorted(props):
                pspec = props[p] or {}
                ours, note = property_type(n, p, pspec)
                line = f"            ({rust_str(p)}, {ours}),"
                if note:
                    line += f" // {note}"
                w(line)
            w("        ],")
        w("    },")
    w("];")
    w("")
    w("/// The position of a schema in [`SCHEMATA`] by its name, called for every entity read and")
    w("/// every value cleaned: one `match` on the bytes, which the compiler turns into a decision")
    w("/// tree on length and bytes (a `match` on `&str` compares arm by arm, and `Person` is the 47th).")
    w("#[rustfmt::skip]")
    w("pub(super) fn index_of(name: &str) -> Option<usize> {")
    w("    Some(match name.as_bytes() {")
    for i, n in enumerate(names):
        w(f"        b{rust_str(n)} => {i},")
    w("        _ => return None,")
    w("    })")
    w("}")
    return "\n".join(out).rstrip("\n") + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--version", default=VERSION)
    ap.add_argument("--wheel", help="a wheel already downloaded (`pip download --no-deps followthemoney==VERSION`)")
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()
    if args.wheel:
        with open(args.wheel, "rb") as f:
            data = f.read()
        filename, digest = os.path.basename(args.wheel), hashlib.sha256(data).hexdigest()
        if f"-{args.version}-" not in filename:
            sys.exit(f"{filename} is not version {args.version}")
    else:
        data, filename, digest = fetch_wheel(args.version)
    schemata, licence = read_wheel(data)
    text = generate(schemata, licence, args.version, filename, digest)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{args.out}: {len(schemata)} schemata from {PACKAGE} {args.version}", file=sys.stderr)


if __name__ == "__main__":
    main()
