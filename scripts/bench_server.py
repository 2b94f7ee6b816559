#!/usr/bin/env python3
"""Throughput of the team server's /match (issue 16), measured with ApacheBench (`ab`, Debian's
apache2-utils) on loopback: single-query requests at concurrency 8 against a dataset loaded from
`people.jsonl` (scripts/gen_namesakes.py writes a million namesakes), optionally reloading the
dataset while the requests run. Prints requests/s, latency percentiles, errors and the server's
memory (VmRSS, VmHWM). With --varied, every request asks another of the 2,000 queries (in turn),
sent by wrk (Debian's package) with a Lua script, for --seconds: ab can only repeat one body.

    python3 scripts/gen_namesakes.py /tmp/ns1m
    python3 scripts/bench_server.py /tmp/ns1m --requests 20000 --reloads 2
    python3 scripts/bench_server.py /tmp/ns1m --varied --seconds 20 --reloads 2
    python3 scripts/bench_server.py /tmp/ns1m --search "smirnova mariia" --requests 20000 --reloads 2

With --search, the requests are `GET /search/people?q=QUERY` instead (each reload's new version
is indexed while its searches are answered from the version before).

Standard library only. The binary is target/release/crosscheck unless --binary says otherwise.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) // 1024
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", help="folder with people.jsonl and queries.jsonl")
    ap.add_argument("--binary", default="target/release/crosscheck")
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--reloads", type=int, default=0, help="loads of the same file during the run")
    ap.add_argument("--port", type=int, default=18000)
    ap.add_argument("--varied", action="store_true", help="a different query each request (needs wrk)")
    ap.add_argument("--seconds", type=int, default=20, help="how long the --varied run lasts")
    ap.add_argument("--search", metavar="QUERY", help="GET /search/people?q=QUERY instead of /match")
    args = ap.parse_args()
    if not shutil.which("ab"):
        sys.exit("ab is missing: apt-get install apache2-utils")
    if args.varied and not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    people = os.path.join(args.data, "people.jsonl")
    with open(os.path.join(args.data, "queries.jsonl")) as f:
        query = json.loads(f.readline())
    query.pop("id", None)
    work = tempfile.mkdtemp(prefix="cc-bench-server-")
    data_dir = os.path.join(work, "data")
    load = [args.binary, "--data-dir", data_dir, "load", "--dataset", "people", people]
    started = time.time()
    subprocess.run(load, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"loaded {people} in {time.time() - started:.1f} s")
    body = os.path.join(work, "body.json")
    with open(body, "w") as f:
        json.dump({"queries": {"q": query}}, f)
    server = subprocess.Popen(
        [args.binary, "--data-dir", data_dir, "serve", "--bind", f"127.0.0.1:{args.port}"],
        stderr=subprocess.PIPE, text=True,
    )
    line = server.stderr.readline()
    if "listening" not in line:
        sys.exit(f"the server did not start: {line}")
    log_lines = []
    # the server builds the search index when it starts (issue 16); measure the steady state after it
    started = time.time()
    for line in server.stderr:
        log_lines.append(line)
        if "search index of" in line:
            print(f"search index built while idle in {time.time() - started:.1f} s: {line.strip()}")
            break
    threading.Thread(target=lambda: log_lines.extend(server.stderr), daemon=True).start()
    url = f"http://127.0.0.1:{args.port}/match/people"
    post = ["-p", body, "-T", "application/json"]
    if args.search:
        url = f"http://127.0.0.1:{args.port}/search/people?q={urllib.parse.quote(args.search)}"
        post = []
    subprocess.run(["ab", "-q", "-n", "200", "-c", "2", *post, url],
                   check=True, stdout=subprocess.DEVNULL)  # warm-up: the index pages in
    reloads = []

    def reload_during():
        for i in range(args.reloads):
            time.sleep(2 + i * 3)
            t = time.time()
            subprocess.run(load, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            reloads.append(time.time() - t)

    reloader = threading.Thread(target=reload_during)
    reloader.start()
    if args.varied:
        out = run_wrk(args, work, url)
    else:
        out = subprocess.run(
            ["ab", "-n", str(args.requests), "-c", str(args.concurrency), *post, url],
            check=True, capture_output=True, text=True,
        ).stdout
    reloader.join()
    rss, hwm = status(server.pid, "VmRSS"), status(server.pid, "VmHWM")
    server.terminate()
    server.wait()
    if args.varied:
        report_wrk(out, reloads, rss, hwm, log_lines)
        shutil.rmtree(work, ignore_errors=True)
        return
    field = lambda pattern: re.search(pattern, out).group(1) if re.search(pattern, out) else "?"
    non2xx = field(r"Non-2xx responses:\s+(\d+)")
    print(f"requests: {args.requests} at concurrency {args.concurrency}, {len(reloads)} reloads during the run "
          f"({', '.join(f'{r:.1f} s' for r in reloads)})")
    rate = field(r"Requests per second:\s+([0-9.]+)")
    failed = field(r"Failed requests:\s+(\d+)")
    print(f"requests/s: {rate}")
    print(f"failed: {failed}, non-2xx: {non2xx if non2xx != '?' else 0}")
    for p in ["50%", "90%", "99%", "100%"]:
        latency = field(re.escape(p) + r"\s+(\d+)")
        print(f"latency {p}: {latency} ms")
    print(f"server memory: VmRSS {rss} MB, peak VmHWM {hwm} MB")
    route = "/search/" if args.search else "/match/"
    statuses = [l.split()[3] for l in log_lines if route in l and len(l.split()) > 3]
    print(f"log lines for {route}: {len(statuses)}, not 200: {sum(1 for s in statuses if s != '200')}")
    print("".join(l for l in log_lines if "search index of" in l), end="")
    shutil.rmtree(work, ignore_errors=True)


# wrk's Lua: each thread reads the bodies once and sends them in turn from a random start; wrk
# counts sockets' errors and answers other than 2xx/3xx ("status").
WRK_SCRIPT = r"""
local bodies, i = {}, 0
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  i = math.random(#bodies)
end
function request()
  i = i % #bodies + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[i])
end
function done(summary, latency, requests)
  io.write(string.format("requests %d\nseconds %.3f\n", summary.requests, summary.duration / 1e6))
  io.write(string.format("errors connect %d read %d write %d timeout %d status %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("latency %d%% %.1f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("latency 100%% %.1f ms\n", latency.max / 1000))
end
"""


def run_wrk(args, work, url):
    """--varied: every query of queries.jsonl as its own one-query batch, sent in turn by wrk."""
    bodies = os.path.join(work, "bodies.jsonl")
    with open(os.path.join(args.data, "queries.jsonl")) as f, open(bodies, "w") as out:
        for line in f:
            query = json.loads(line)
            query.pop("id", None)
            out.write(json.dumps({"queries": {"q": query}}) + "\n")
    script = os.path.join(work, "varied.lua")
    with open(script, "w") as f:
        f.write(WRK_SCRIPT)
    threads = min(2, args.concurrency)
    return subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(args.concurrency), "-d", f"{args.seconds}s", "-s", script, url,
         "--", bodies],
        check=True, capture_output=True, text=True,
    ).stdout


def report_wrk(out, reloads, rss, hwm, log_lines):
    if "\nseconds " not in out:
        sys.exit(f"wrk said:\n{out}")
    field = lambda pattern: re.search(pattern, out).group(1) if re.search(pattern, out) else "?"
    requests, seconds = int(field(r"requests (\d+)")), float(field(r"seconds ([0-9.]+)"))
    print(f"varied queries: {requests} requests in {seconds:.1f} s, {len(reloads)} reloads during the run "
          f"({', '.join(f'{r:.1f} s' for r in reloads)})")
    print(f"requests/s: {requests / seconds:.0f}")
    print(f"errors: {field(r'(errors .*)')}")
    for p in ["50%", "90%", "99%", "100%"]:
        print(f"latency {p}: {field('latency ' + re.escape(p) + r' ([0-9.]+) ms')} ms")
    print(f"server memory: VmRSS {rss} MB, peak VmHWM {hwm} MB")
    statuses = [l.split()[3] for l in log_lines if "/match/" in l and len(l.split()) > 3]
    print(f"log lines for /match: {len(statuses)}, not 200: {sum(1 for s in statuses if s != '200')}")


if __name__ == "__main__":
    main()
