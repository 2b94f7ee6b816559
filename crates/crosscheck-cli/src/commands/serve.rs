//! `crosscheck serve`: the team server (yente's matching API) over the data directory.
//!
//! The server itself is `crosscheck-server`; this command reads the flags, opens the engine,
//! says where it listens, and maps a failure to start to exit 2.

use crate::output::user_error_hint;
use clap::Args;
use crosscheck_engine::Engine;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// Serve yente's API (`/match`, `/search`, `/entities`, `/reconcile`, `/catalog`, `/algorithms`) and the desk's cases.
///
/// Clients written for yente or the OpenSanctions API work unchanged, and so does OpenRefine
/// (add `http://ADDR/reconcile/default` as a reconciliation service): point them at the printed
/// address. Datasets loaded while the server runs are served from the next request on. With
/// `--cases`, reviewers record decisions on a case's records and claims
/// (`POST /cases/{case}/decisions`), which `verify` then applies.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  crosscheck serve
  crosscheck serve --bind 127.0.0.1:9000 --cases ~/desk/cases
  curl -s localhost:8000/match/default -d @queries.json
  curl -s 'localhost:8000/search/default?q=ivan%20petrov&countries=ru'
  curl -s localhost:8000/cases/petrov/decisions \\
    -H \"Authorization: Bearer $TOKEN\" -d @decision.json

queries.json is yente's batch: {\"queries\": {\"q1\": {\"schema\": \"Person\", \"properties\":
{\"name\": [\"Ivan Petrov\"], \"birthDate\": [\"1970\"]}}}}. decision.json is one decision on a
record of the case: {\"target\": \"ofac:ofac-123\", \"person\": \"subject\", \"judgement\":
\"different\", \"reason\": \"born 1950, not our subject\"}.

Without access tokens the server answers only on a loopback address (127.0.0.1, ::1).
Stop it with Ctrl-C. One log line per request goes to stderr: time, method, route, status,
milliseconds; never the names asked about.

Exit codes: 0 stopped with Ctrl-C or SIGTERM; 2 cannot start (address in use, not a loopback address, usage error).")]
pub struct ServeArgs {
    /// Address and port to listen on (port 0 picks a free one)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8000")]
    pub bind: SocketAddr,
    /// Largest request body accepted, in bytes (larger ones are answered 413)
    #[arg(long, value_name = "BYTES", default_value_t = crosscheck_server::DEFAULT_MAX_BODY)]
    pub max_body: usize,
    /// Longest a request may take, in seconds, before it is answered 503
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub time_limit: u64,
    /// A folder of case folders (each a case.yaml with its files), served under /cases
    #[arg(long, value_name = "DIR")]
    pub cases: Option<std::path::PathBuf>,
}

pub fn run(args: ServeArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    if let Some(cases) = &args.cases {
        if !cases.is_dir() {
            return Err(user_error_hint(
                format!("`--cases {}` is not a folder", cases.display()),
                "give the folder that holds one folder per case, each with its case.yaml",
            ));
        }
    }
    let engine = Engine::open(data_dir)?;
    let names = engine.dataset_names().map_err(super::engine_error)?;
    let config = crosscheck_server::Config {
        bind: args.bind,
        max_body: args.max_body,
        time_limit: Duration::from_secs(args.time_limit.max(1)),
        cases: args.cases.clone(),
        ..crosscheck_server::Config::new()
    };
    let scorer = engine.scorer().id();
    let served = crosscheck_server::serve(engine, config, |addr| {
        let datasets = if names.is_empty() { "none loaded yet".to_string() } else { names.join(", ") };
        crate::output::diag!("crosscheck serve: listening on http://{addr} (datasets: {datasets}; scorer {scorer})");
    });
    match served {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => Err(match e.hint() {
            Some(hint) => user_error_hint(e.to_string(), hint),
            None => crate::output::user_error(e.to_string()),
        }),
    }
}
