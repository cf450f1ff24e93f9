#!/usr/bin/env python3
"""Measurements of benches/compare.sh: runs the clients, times them, prints the report.

compare.sh sets up the servers and passes their addresses; this script only measures.
Wall time: each timed run is a child started with posix_spawn and reaped with wait4;
time.perf_counter (monotonic) is read around spawn+wait.

Peak RSS: measured in separate runs under GNU time (`/usr/bin/time -f %M`). The kernel
reports a child's ru_maxrss as the larger of its own peak and the memory of the process
it was started from (recorded at exec), so a child spawned directly by this Python
process would show Python's 20+ MiB. GNU time is small; its floor is about 0.5 MiB
(what an empty static C program shows under it).

A measurement that cannot be made (a command the binary does not have yet, a server that
did not start) is reported as "not measured: <why>" and the rest goes on.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field

USER_ID = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a"
CREATE_BODY = '{"firstName":"John","lastName":"Doe","email":"john.doe@example.com","type":"User"}'
TERMINATE_BODY = '{"userIds":["%s"],"resendAll":false}' % USER_ID
LIFECYCLE_REQUESTS = 4
MIB = 1024  # RSS figures are in KiB

OURS, CURL, PYTHON = "docspace-people", "curl --next", "python requests"
CLIENTS = (OURS, CURL, PYTHON)
PROTOS = ("http", "https")


class NotMeasured(Exception):
    """A measurement that could not be made; the message says why."""


@dataclass
class Run:
    seconds: float
    code: int
    stderr: str = ""


@dataclass
class Connections:
    """What nginx logged for one client run."""

    requests: int
    tcp: int
    tls: int
    resumed: int
    statuses: list

    def text(self):
        return f"{self.tcp} TCP, {self.tls} TLS ({self.resumed} resumed)"


@dataclass
class Series:
    """All timed runs of one client over one protocol."""

    runs: list = field(default_factory=list)
    conns: list = field(default_factory=list)
    rss: list = field(default_factory=list)  # KiB, from the runs under GNU time
    why_not: str = ""
    rss_why: str = ""

    def median_s(self):
        return statistics.median(r.seconds for r in self.runs)

    def rss_text(self):
        if not self.rss:
            return "not measured: " + (self.rss_why or "no runs")
        return f"{mib(statistics.median(self.rss))} (max {mib(max(self.rss))})"


# ---------------------------------------------------------------- running children


def child_env(extra):
    # A clean environment: no proxy settings and no CA bundle variables, so every client
    # uses exactly the certificate it is given and talks to 127.0.0.1 directly.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
    }
    env.update(extra)
    return env


class Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise Timeout()


def run(argv, env, timeout, stdout_path=os.devnull, stderr_path=None):
    """Runs argv once; its wall time from spawn to reaped exit, and its exit code."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        try:
            _, status, _ = os.wait4(pid, 0)
        except Timeout:
            os.kill(pid, signal.SIGKILL)
            os.wait4(pid, 0)
            raise NotMeasured(f"{os.path.basename(argv[0])} did not finish within {timeout} s")
        elapsed = time.perf_counter() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    code = os.waitstatus_to_exitcode(status)
    err = ""
    if code != 0:
        with open(stderr_path, errors="replace") as f:
            err = " ".join(f.read(600).split())
    return Run(elapsed, code, err)


def peak_rss(gnu_time, argv, env, timeout, stderr_path, scratch):
    """Runs argv once under GNU time; its peak RSS in KiB."""
    if not gnu_time:
        raise NotMeasured("GNU time (/usr/bin/time) is not installed")
    out = os.path.join(scratch, "rss.txt")
    r = run([gnu_time, "-f", "%M", "-o", out, *argv], env, timeout, stderr_path=stderr_path)
    if r.code != 0:
        raise NotMeasured(f"the run under GNU time failed: {failed(r)}")
    with open(out) as f:
        # The last line; GNU time puts a note about a non-zero exit before it.
        return int(f.read().split()[-1])


def failed(r):
    return f"exit {r.code}: {r.stderr or '(nothing on stderr)'}"


# ---------------------------------------------------------------- nginx access log


class AccessLog:
    """Reads the lines nginx appends, one client run at a time."""

    def __init__(self, path):
        self.path = path
        self.offset = os.path.getsize(path)

    def take(self, expected, wait=0.5):
        # nginx logs a request just after sending its answer, which can be a moment after
        # the client exited: wait (bounded) until the expected lines are there.
        deadline = time.monotonic() + wait
        while True:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
            complete = data[: data.rfind(b"\n") + 1]
            lines = complete.decode(errors="replace").splitlines()
            if len(lines) >= expected or time.monotonic() >= deadline:
                self.offset += len(complete)
                return self.summarize(lines)
            time.sleep(0.002)

    @staticmethod
    def summarize(lines):
        tcp, tls, resumed, statuses = set(), set(), set(), []
        for line in lines:
            # connection, request number, TLS protocol, session reused, port, method,
            # path, status, user agent (see nginx.conf.in)
            fields = line.split(" ", 8)
            if len(fields) < 8:
                continue
            conn, _, protocol, reused = fields[:4]
            statuses.append(fields[7])
            tcp.add(conn)
            if protocol != "-":
                tls.add(conn)
                if reused == "r":
                    resumed.add(conn)
        return Connections(len(statuses), len(tcp), len(tls), len(resumed), statuses)


# ---------------------------------------------------------------- bench_portal


def portal_get(base, path, token=None):
    # No proxy, whatever the environment says: the portal is on 127.0.0.1.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(base + path)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with opener.open(request, timeout=10) as response:
        return json.load(response)


def stats_delta(before, after):
    routes = {
        k: v - before["routes"].get(k, 0)
        for k, v in after["routes"].items()
        if v != before["routes"].get(k, 0)
    }
    return {
        "requests": after["requests"] - before["requests"],
        "connections": after["api_connections"] - before["api_connections"],
        "ids_status": after["ids_status"] - before["ids_status"],
        "ids_deleted": after["ids_deleted"] - before["ids_deleted"],
        "routes": routes,
    }


# ---------------------------------------------------------------- formatting


def ms(seconds):
    return f"{seconds * 1000:.2f} ms"


def mib(kib):
    return f"{kib / MIB:.1f} MiB"


def heading(text):
    print(f"\n== {text} ==", flush=True)


def table(rows, header):
    """Prints rows under header in aligned columns; a shorter row (a "not measured"
    line) ends with its last cell, unpadded."""
    full = [r for r in [header, *rows] if len(r) == len(header)]
    widths = [max(len(str(r[i])) for r in full) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        cells = [str(c).ljust(w) for c, w in zip(row[:-1], widths)] + [str(row[-1])]
        print("  ".join(cells).rstrip())


# ---------------------------------------------------------------- the measurements


class Bench:
    def __init__(self, args):
        self.a = args
        self.token = "sk-" + secrets.token_hex(32)
        self.err = os.path.join(args.work, "stderr.txt")
        self.why = {}  # measurement attribute -> why it is missing

    # -- lifecycle: ours vs curl vs python, interleaved

    def lifecycle_argv(self, client, proto):
        https = proto == "https"
        base = self.a.https_url if https else self.a.http_url
        env = child_env({"DOCSPACE_URL": base, "DOCSPACE_TOKEN": self.token})
        if client == OURS:
            argv = [self.a.bin, "lifecycle", "--email", "john.doe@example.com",
                    "--first-name", "John", "--last-name", "Doe", "-q"]
            if https:
                argv += ["--ca-file", self.a.cert]
            return argv, env
        if client == PYTHON:
            argv = [sys.executable, self.a.python_client]
            if https:
                argv += ["--ca-file", self.a.cert]
            return argv, env
        # curl: the four requests in one process, joined by --next so that curl keeps
        # the connection; the same headers and bodies as the other two clients.
        common = ["-sS", "-f", "-o", "/dev/null",
                  "-H", f"Authorization: Bearer {self.token}", "-H", "Accept: application/json"]
        if https:
            common += ["--cacert", self.a.cert]
        json_type = ["-H", "Content-Type: application/json"]
        steps = [
            [*json_type, "--data-binary", CREATE_BODY, f"{base}/api/2.0/people"],
            [f"{base}/api/2.0/people/{USER_ID}"],
            ["-X", "PUT", *json_type, "--data-binary", TERMINATE_BODY,
             f"{base}/api/2.0/people/status/Terminated"],
            ["-X", "DELETE", f"{base}/api/2.0/people/{USER_ID}"],
        ]
        argv = [self.a.curl]
        for i, step in enumerate(steps):
            argv += (["--next"] if i else []) + common + step
        return argv, env

    def lifecycle(self):
        heading(f"lifecycle: create -> get -> terminate -> delete, "
                f"{self.a.rounds} interleaved rounds (+{self.a.warmup} warm-up)")
        log = AccessLog(self.a.access_log)
        series = {(c, p): Series() for c in CLIENTS for p in PROTOS}
        self.series = series

        def once(key):
            """One direct run of a client; the nginx log lines it caused."""
            argv, env = self.lifecycle_argv(*key)
            r = run(argv, env, self.a.timeout, stderr_path=self.err)
            return r, log.take(LIFECYCLE_REQUESTS)

        # One checked run of each first: a client that fails is left out, with the reason.
        for key, s in series.items():
            try:
                r, conns = once(key)
            except NotMeasured as e:
                s.why_not = str(e)
                continue
            if r.code != 0:
                s.why_not = failed(r)
            elif conns.statuses != ["200"] * LIFECYCLE_REQUESTS:
                s.why_not = f"nginx answered {conns.statuses}, expected 4 x 200"
        active = [k for k, s in series.items() if not s.why_not]
        # Interleaved: every client runs once per round, so drift (CPU frequency, page
        # cache, other load) hits all of them alike.
        for round_no in range(self.a.warmup + self.a.rounds):
            for key in active:
                try:
                    r, conns = once(key)
                except NotMeasured as e:
                    series[key].why_not = str(e)
                    continue
                if r.code != 0:
                    series[key].why_not = f"failed in round {round_no + 1}: {failed(r)}"
                elif round_no >= self.a.warmup:
                    series[key].runs.append(r)
                    series[key].conns.append(conns)
            active = [k for k in active if not series[k].why_not]
        # Peak RSS in runs of their own, under GNU time (see the top of this file).
        for _ in range(self.a.rss_runs):
            for key in active:
                argv, env = self.lifecycle_argv(*key)
                try:
                    series[key].rss.append(
                        peak_rss(self.a.gnu_time, argv, env, self.a.timeout, self.err, self.a.work))
                except NotMeasured as e:
                    series[key].rss_why = str(e)
                log.take(LIFECYCLE_REQUESTS)
            active = [k for k in active if not series[k].rss_why]

        rows = []
        for proto in PROTOS:
            for client in CLIENTS:
                s = series[(client, proto)]
                if s.why_not or not s.runs:
                    rows.append([client, proto, "not measured: " + (s.why_not or "no runs")])
                    continue
                def counts(attr, s=s):
                    return "/".join(str(n) for n in sorted({getattr(c, attr) for c in s.conns}))

                https = proto == "https"
                rows.append([
                    client, proto, ms(s.median_s()), ms(min(r.seconds for r in s.runs)),
                    counts("tcp"), counts("tls") if https else "-",
                    counts("resumed") if https else "-", s.rss_text(),
                ])
        table(rows, ["client", "proto", "median", "min", "TCP conns/run",
                     "TLS handshakes/run", "resumed", "peak RSS median"])
        print("(connections and handshakes per run from the nginx log; 'a/b' means runs "
              f"differed; peak RSS from {self.a.rss_runs} runs under GNU time)")
        for proto in PROTOS:
            ours, curl, py = (series[(c, proto)] for c in CLIENTS)
            parts = []
            if ours.runs and curl.runs:
                parts.append(f"ours/curl = {ours.median_s() / curl.median_s():.2f}")
            if ours.runs and py.runs:
                parts.append(f"python/ours = {py.median_s() / ours.median_s():.1f}")
            print(f"{proto}: " + (", ".join(parts) or "no ratios (a client is not measured)"))

    # -- startup

    def version(self):
        heading(f"startup: docspace-people --version, median of {self.a.version_runs} runs")
        argv, env = [self.a.bin, "--version"], child_env({})
        r = run(argv, env, self.a.timeout, stderr_path=self.err)
        if r.code != 0:
            raise NotMeasured(failed(r))
        for _ in range(20):  # warm the page cache and the CPU
            run(argv, env, self.a.timeout, stderr_path=self.err)
        times = [run(argv, env, self.a.timeout, stderr_path=self.err).seconds
                 for _ in range(self.a.version_runs)]
        self.version_median = statistics.median(times)
        print(f"posix_spawn+wait4: median {ms(self.version_median)}, min {ms(min(times))}")
        hyperfine = shutil.which("hyperfine")
        if not hyperfine:
            return
        # A second opinion from a dedicated tool (-N: no shell in between).
        out = os.path.join(self.a.work, "hyperfine.json")
        done = subprocess.run(
            [hyperfine, "-N", "--warmup", "20", "--runs", str(self.a.version_runs),
             "--style", "none", "--export-json", out, f"{self.a.bin} --version"],
            capture_output=True, text=True, timeout=300, env=child_env({}))
        if done.returncode == 0:
            with open(out) as f:
                h = json.load(f)["results"][0]
            print(f"hyperfine -N:      median {ms(h['median'])}, min {ms(h['min'])}")
        else:
            print(f"hyperfine failed: {' '.join(done.stderr.split())[:300]}")

    # -- binary

    def binary(self):
        heading("binary")
        self.size = os.path.getsize(self.a.bin)
        self.static = is_static(self.a.bin)
        self.stripped = None
        strip = shutil.which("strip")
        if strip:
            out = os.path.join(self.a.work, "docspace-people.stripped")
            if subprocess.run([strip, "-o", out, self.a.bin], capture_output=True).returncode == 0:
                self.stripped = os.path.getsize(out)
        stripped = (f"{mib(self.stripped / 1024)} ({self.stripped} bytes)"
                    if self.stripped else "unknown (no strip)")
        print(f"size {mib(self.size / 1024)} ({self.size} bytes); stripped {stripped}; "
              f"{'statically linked' if self.static else 'DYNAMICALLY linked'}")

    # -- user list over bench_portal

    def listing(self):
        heading(f"user list over bench_portal: 1 000 and 10 000 users, "
                f"{self.a.list_rounds} interleaved rounds")
        if not self.a.portal_1k or not self.a.portal_10k:
            raise NotMeasured(self.a.portal_why or "bench_portal is not running")
        sizes = {1000: self.a.portal_1k, 10000: self.a.portal_10k}
        argv = [self.a.bin, "user", "list"]
        env = {n: child_env({"DOCSPACE_URL": url, "DOCSPACE_TOKEN": self.token})
               for n, url in sizes.items()}
        out = os.path.join(self.a.work, "list.txt")
        for n, url in sizes.items():
            before = portal_get(url, "/__stats")
            r = run(argv, env[n], self.a.long_timeout, stdout_path=out, stderr_path=self.err)
            delta = stats_delta(before, portal_get(url, "/__stats"))
            if r.code != 0:
                raise NotMeasured(f"'user list' over {n} users: {failed(r)}")
            with open(out, errors="replace") as f:
                lines = sum(1 for _ in f)
            print(f"{n} users: the check run printed {lines} lines; the portal saw "
                  f"{delta['requests']} requests on {delta['connections']} connection(s)")
        # For scale: curl fetching the same pages on one connection, which is roughly
        # what the portal itself costs.
        floor = {n: self.curl_pages(url, n) for n, url in sizes.items()}
        runs = {n: [] for n in sizes}
        floor_runs = {n: [] for n in sizes}
        for _ in range(self.a.list_rounds):
            for n in sizes:
                r = run(argv, env[n], self.a.long_timeout, stderr_path=self.err)
                if r.code != 0:
                    raise NotMeasured(f"'user list' over {n} users: {failed(r)}")
                runs[n].append(r)
                floor_runs[n].append(run(floor[n], env[n], self.a.long_timeout,
                                         stderr_path=self.err))
        rss = {n: [] for n in sizes}
        for _ in range(self.a.rss_runs):
            for n in sizes:
                rss[n].append(peak_rss(self.a.gnu_time, argv, env[n], self.a.long_timeout,
                                       self.err, self.a.work))
        rows = [[f"{n} users", ms(statistics.median(r.seconds for r in runs[n])),
                 f"{mib(statistics.median(rss[n]))} (max {mib(max(rss[n]))})",
                 ms(statistics.median(r.seconds for r in floor_runs[n]))] for n in sizes]
        table(rows, ["portal", "median", "peak RSS median", "curl, same pages"])
        self.list_runs, self.list_rss = runs, rss

    def curl_pages(self, url, users):
        """One curl process fetching every page of the portal, joined by --next."""
        argv = [self.a.curl]
        for start in range(0, users, 100):
            argv += (["--next"] if start else []) + [
                "-sS", "-f", "-o", "/dev/null", "-H", f"Authorization: Bearer {self.token}",
                f"{url}/api/2.0/people/filter?count=100&startIndex={start}"]
        return argv

    # -- bulk terminate + delete over bench_portal

    def bulk(self):
        heading(f"user delete --terminate --from ids.txt over bench_portal: 1 000 users, "
                f"{self.a.bulk_rounds} runs")
        url = self.a.portal_1k
        if not url:
            raise NotMeasured(self.a.portal_why or "bench_portal is not running")
        ids = []
        for start in range(0, 1000, 100):
            page = portal_get(url, f"/api/2.0/people/filter?count=100&startIndex={start}",
                              self.token)
            ids += [u["id"] for u in page["response"]]
        path = os.path.join(self.a.work, "ids.txt")
        with open(path, "w") as f:
            f.write("\n".join(ids) + "\n")
        argv = [self.a.bin, "user", "delete", "--terminate", "--from", path,
                "--yes", "--max", "5000", "-q"]
        env = child_env({"DOCSPACE_URL": url, "DOCSPACE_TOKEN": self.token})
        runs = []
        for _ in range(self.a.bulk_rounds):
            # bench_portal keeps no state, so every run deletes the same 1 000 users.
            before = portal_get(url, "/__stats")
            r = run(argv, env, self.a.long_timeout, stderr_path=self.err)
            delta = stats_delta(before, portal_get(url, "/__stats"))
            if r.code != 0:
                raise NotMeasured(f"{len(ids)} ids: {failed(r)}")
            runs.append(r)
        rss = [peak_rss(self.a.gnu_time, argv, env, self.a.long_timeout, self.err, self.a.work)
               for _ in range(self.a.rss_runs)]
        print(f"median {ms(statistics.median(r.seconds for r in runs))}, "
              f"peak RSS {mib(statistics.median(rss))} (max {mib(max(rss))})")
        routes = ", ".join(f"{n} x {route}" for route, n in delta["routes"].items())
        print(f"per run the portal saw {delta['requests']} requests on "
              f"{delta['connections']} connection(s): {routes}")
        print(f"ids sent: {delta['ids_status']} to PUT status, {delta['ids_deleted']} to PUT delete")
        self.bulk_runs, self.bulk_rss, self.bulk_delta = runs, rss, delta

    # -- summary

    def need(self, attr):
        if not hasattr(self, attr):
            raise NotMeasured(self.why.get(attr, "its measurement did not run"))
        return getattr(self, attr)

    def lifecycle_series(self, client, proto):
        x = getattr(self, "series", {}).get((client, proto))
        if x is None or x.why_not or not x.runs:
            why = x.why_not if x else self.why.get("series", "lifecycle did not run")
            raise NotMeasured(f"{client} over {proto}: {why or 'no runs'}")
        return x

    def summary(self):
        heading("summary")
        rows = []

        def add(name, compute):
            try:
                rows.append([name, compute()])
            except NotMeasured as e:
                rows.append([name, f"not measured: {e}"])

        def lifecycle_figure(client, proto):
            x = self.lifecycle_series(client, proto)
            c = x.conns[0]
            tls = f", {c.tls} TLS handshake(s)" if proto == "https" else ""
            return (f"{ms(x.median_s())}, peak RSS {x.rss_text()}, "
                    f"{c.tcp} TCP connection(s){tls}")

        for proto in PROTOS:
            for client in CLIENTS:
                add(f"lifecycle {proto:5} {client}", lambda c=client, p=proto: lifecycle_figure(c, p))
        for proto in PROTOS:
            add(f"lifecycle {proto:5} ours/curl", lambda p=proto: "%.2f" % (
                self.lifecycle_series(OURS, p).median_s() / self.lifecycle_series(CURL, p).median_s()))
            add(f"lifecycle {proto:5} python/ours", lambda p=proto: "%.1f" % (
                self.lifecycle_series(PYTHON, p).median_s() / self.lifecycle_series(OURS, p).median_s()))
        add("--version startup (median)", lambda: ms(self.need("version_median")))
        add("binary size (stripped)", lambda: (
            f"{mib(self.need('size') / 1024)} "
            f"({mib(self.stripped / 1024) if self.stripped else 'unknown'}), "
            f"{'static' if self.static else 'dynamic'}"))
        for n in (1000, 10000):
            add(f"user list, {n} users", lambda n=n: (
                f"{ms(statistics.median(r.seconds for r in self.need('list_runs')[n]))}, "
                f"peak RSS {mib(statistics.median(self.list_rss[n]))}"))
        add("terminate+delete 1000 users", lambda: (
            f"{ms(statistics.median(r.seconds for r in self.need('bulk_runs')))}, "
            f"peak RSS {mib(statistics.median(self.bulk_rss))}, "
            f"{self.bulk_delta['requests']} requests on "
            f"{self.bulk_delta['connections']} connection(s)"))
        table(rows, ["measurement", "figure"])

        heading("targets")
        table([[status, name, figure] for name, status, figure in self.evaluate()],
              ["result", "target", "figure"])

    def evaluate(self):
        """(target, 'met' / 'not met' / 'not measured', figure) for each target."""
        out = []

        def check(name, compute):
            try:
                ok, figure = compute()
                out.append((name, "met" if ok else "not met", figure))
            except NotMeasured as e:
                out.append((name, "not measured", str(e)))

        def one_connection():
            x = self.lifecycle_series(OURS, "https")
            ok = all(c.tcp == 1 and c.tls == 1 for c in x.conns)
            return ok, (f"at most {max(c.tcp for c in x.conns)} TCP connection(s) and "
                        f"{max(c.tls for c in x.conns)} TLS handshake(s) per run, "
                        f"{len(x.conns)} runs")

        def vs_curl():
            ratio = (self.lifecycle_series(OURS, "https").median_s()
                     / self.lifecycle_series(CURL, "https").median_s())
            return ratio <= 0.6, f"{ratio:.2f} x curl's time"

        def vs_python():
            ratio = (self.lifecycle_series(PYTHON, "https").median_s()
                     / self.lifecycle_series(OURS, "https").median_s())
            return ratio >= 25, f"{ratio:.1f} x faster than the Python script"

        def startup():
            m = self.need("version_median")
            return m < 0.0015, ms(m)

        def size():
            self.need("size")
            if self.stripped is None:
                raise NotMeasured("strip is not installed")
            return self.stripped < 2.5 * 1024 * 1024 and self.static, (
                f"{mib(self.stripped / 1024)}, {'static' if self.static else 'not static'}")

        def rss():
            rss = []
            for proto in PROTOS:
                try:
                    x = self.lifecycle_series(OURS, proto)
                except NotMeasured:
                    continue
                rss += x.rss
            if not rss:
                raise NotMeasured("no lifecycle run of docspace-people under GNU time")
            return max(rss) < 6 * MIB, f"{mib(max(rss))} (the largest of {len(rss)} runs)"

        def flat():
            rss = self.need("list_rss")
            small, large = statistics.median(rss[1000]), statistics.median(rss[10000])
            return abs(large - small) <= 2 * MIB, (
                f"{mib(small)} for 1 000 users, {mib(large)} for 10 000 "
                f"(difference {mib(abs(large - small))})")

        check("lifecycle HTTPS: 1 TCP connection, 1 TLS handshake", one_connection)
        check("lifecycle HTTPS: wall time <= 0.6 x curl's", vs_curl)
        check("lifecycle HTTPS: >= 25 x faster than Python requests", vs_python)
        check("--version under 1.5 ms", startup)
        check("stripped static binary under 2.5 MiB", size)
        check("lifecycle peak RSS under 6 MiB", rss)
        check("user list peak RSS flat (within 2 MiB), 1 000 vs 10 000", flat)
        return out


def is_static(path):
    """True when the ELF file has no PT_INTERP program header (no dynamic loader)."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:  # 64-bit ELF only
            return False
        phoff, = struct.unpack_from("<Q", head, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
        f.seek(phoff)
        table_bytes = f.read(phentsize * phnum)
    types = [struct.unpack_from("<I", table_bytes, i * phentsize)[0] for i in range(phnum)]
    return 3 not in types  # PT_INTERP


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bin", required=True)
    p.add_argument("--curl", default=shutil.which("curl") or "/usr/bin/curl")
    p.add_argument("--python-client", required=True)
    p.add_argument("--http-url", required=True)
    p.add_argument("--https-url", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--access-log", required=True)
    p.add_argument("--portal-1k", default="")
    p.add_argument("--portal-10k", default="")
    p.add_argument("--portal-why", default="", help="why bench_portal is not running")
    p.add_argument("--work", required=True, help="directory for scratch files")
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--list-rounds", type=int, default=5)
    p.add_argument("--bulk-rounds", type=int, default=3)
    p.add_argument("--version-runs", type=int, default=300)
    p.add_argument("--rss-runs", type=int, default=5, help="runs under GNU time per figure")
    p.add_argument("--gnu-time", default="/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else "")
    p.add_argument("--timeout", type=float, default=30, help="seconds per lifecycle run")
    p.add_argument("--long-timeout", type=float, default=300, help="seconds per list/bulk run")
    bench = Bench(p.parse_args())
    # Each step and the figures it leaves behind; a step that fails leaves its reason.
    steps = [
        (bench.lifecycle, ["series"]),
        (bench.version, ["version_median"]),
        (bench.binary, ["size"]),
        (bench.listing, ["list_runs", "list_rss"]),
        (bench.bulk, ["bulk_runs", "bulk_rss", "bulk_delta"]),
    ]
    for step, figures in steps:
        try:
            step()
        except (NotMeasured, OSError, ValueError, KeyError, subprocess.SubprocessError) as e:
            why = str(e) if isinstance(e, NotMeasured) else f"{type(e).__name__}: {e}"
            bench.why.update(dict.fromkeys(figures, why))
            print(f"not measured: {why}", flush=True)
    bench.summary()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)  # Ctrl-C: compare.sh's trap stops the servers
