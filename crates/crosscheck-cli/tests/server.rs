//! `crosscheck serve` run as a user runs it, for the tests that talk to it over HTTP: the binary
//! on a free loopback port, its stderr read line by line.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running server, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    log: std::sync::mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn start(data: &std::path::Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
            .arg("--data-dir")
            .arg(data)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, log) = std::sync::mpsc::channel();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let first = log.recv_timeout(std::time::Duration::from_secs(60)).expect("the server says where it listens");
        let base = first
            .split("listening on ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        Server { child, base, log }
    }

    pub fn agent() -> ureq::Agent {
        ureq::Agent::config_builder().http_status_as_error(false).build().new_agent()
    }

    pub fn post(&self, path: &str, body: &str) -> (u16, Value) {
        let mut response = Server::agent().post(&format!("{}{path}", self.base)).send(body).unwrap();
        let status = response.status().as_u16();
        let text = response.body_mut().with_config().limit(64 << 20).read_to_string().unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub fn get(&self, path: &str) -> u16 {
        Server::agent().get(&format!("{}{path}", self.base)).call().unwrap().status().as_u16()
    }

    /// POSTs `body` to `path` with `Authorization: ApiKey <token>`: the status and JSON body.
    pub fn post_as(&self, token: &str, path: &str, body: &str) -> (u16, Value) {
        let mut response = Server::agent()
            .post(&format!("{}{path}", self.base))
            .header("Authorization", &format!("ApiKey {token}"))
            .send(body)
            .unwrap();
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Kills the server with SIGKILL, the next instant: no shutdown, no flush.
    pub fn kill_now(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits up to `seconds` for a log line containing `needle`: it, and every line before it.
    pub fn wait_for_log(&self, needle: &str, seconds: u64) -> Option<(String, Vec<String>)> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        let mut before = Vec::new();
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            let line = self.log.recv_timeout(left).ok()?;
            if line.contains(needle) {
                return Some((line, before));
            }
            before.push(line);
        }
        None
    }

    /// The log lines written so far.
    pub fn log_lines(&self) -> Vec<String> {
        std::thread::sleep(std::time::Duration::from_millis(200));
        self.log.try_iter().collect()
    }
}
