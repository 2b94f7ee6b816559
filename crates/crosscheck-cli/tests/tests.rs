//! The one integration-test binary (STYLE.md): every module runs the real `crosscheck` binary as a
//! user would, on fictional files, and checks exit codes, outputs and schemas.

// Running the binary, reading JSON lines, validating against docs/schemas.
mod common;
// `crosscheck serve` started for a test (serve, decisions)
mod server;

// `check-id`: values on the command line, input lines in order, holder checks, usage errors.
mod check_id;

// `load`, `match`, `compare`: counts, rejects, atomic reloads, encodings, order, schemas.
mod foundation;

// Issue 13: a copy of a person finds itself first among thousands of namesakes.
mod namesakes;

// Issue 14, screening for triage: --name, --limit-per-dataset, show, --fail-on-match, -o, formats.
mod triage;

// The store under racing loads and readers (processes), and `datasets --check`.
mod store;

// Issue 13, the whole FtM 4 model: links of every kind load; a Directorship supports an employer.
mod ftm_model;

// `verify`: the example case in every format, loaded datasets, bad input, notes never leak.
mod verify;

// Issue 14: examples/every-status, every claim status, a set-aside record, grouped findings.
mod verify_every_status;

// The HTML report in headless Chromium: no request beyond itself, no console error.
mod verify_html;

// Issue 15: case files and streams under hostile input (bombs, devices, paths, closed stderr).
mod hostile_case;

// Issue 14: docs/case-file.md's annotated example runs and gives the statuses it states.
mod case_file_docs;

// Issue 14: `--help` examples at 80 columns start or continue a command, never wrap mid-command.
mod help;

// Issue 15, hostile streams: an over-long or non-UTF-8 input line is answered with an error in place.
mod hostile_streams;

// Issue 15, line caps and encodings in `load`: an FtM line over 16 MiB, UTF-16 without a BOM, guesses.
mod encodings;

// Issue 16, the team server: yente's /match over HTTP equals `match`, limits at the socket, reloads.
mod serve;

// Issue 15, hostile input to `load`: damaged CSV, OFAC and UN records rejected at their lines;
// mapping errors that never print the mapping file.
mod hostile_input;

// Issue 16, the desk's decisions: kill -9 after a 201, verify applies them (--no-decisions not),
// audit --judgements, audit --verify among decisions.
mod decisions;
// Issue 16, FtM fidelity: referents and first/last seen carried through load, match and show.
mod provenance;
// Issue 20, partner bundles: keys new, share, share open; age/minisign/tar interop, tampering, privacy.
mod share;
// Issue 18, cross-reference: pairs and clusters, link mode, judgements, bad input refused whole.
mod xref;
