#!/usr/bin/env python3
"""Measurements of benches/compare.sh: runs the clients, times them, prints the report.

compare.sh sets up the servers and passes their addresses; this script only measures.
Wall time: each timed run is a child started with posix_spawn and reaped with wait4;
time.perf_counter (monotonic) is read around spawn+wait. Clients that are compared run
interleaved in rounds (A, B, C, A, B, C, ...), so drift hits them alike; figures are
medians. CPU time: user + system time of the child alone, from wait4's rusage.

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

OURS, FLOOR, CURL, PYTHON = "docspace-people", "floor (rustls)", "curl --next", "python requests"
CLIENTS = (OURS, FLOOR, CURL, PYTHON)
PROTOS = ("http", "https")

# The listing of nginx's canned pages (list_pages.py): 100 pages of 100 users.
LIST_USERS, PAGE = 10000, 100
# The query of `user list` (src/people.rs, Client::list_users) after count and startIndex;
# curl and floor ask for exactly the same URLs. nginx maps the pages by startIndex alone.
LIST_QUERY = "&sortBy=email&sortOrder=0"
FORMS = {"table": [], "--json": ["--json"], "--ids": ["--ids"]}

# The issue 14 targets.
LIST_HTTPS_VS_CURL = 1.0
LIST_HTTP_VS_CURL = 1.5
LIFECYCLE_VS_FLOOR = 1.15
LIFECYCLE_VS_CURL = 0.3
BULK_USERS, BULK_CPU = 10000, 0.4
INPUT_IDS, INPUT_SECONDS = 100000, 1.0
RSS_MAX = 4 * MIB
# "Flat from 10 000 to 100 000 users": this harness reads it as at most 0.5 MiB more.
RSS_FLAT = MIB // 2
SIZE_VS_MINIMAL = 1.10
VERSION_VS_HELLO = 0.0003


class NotMeasured(Exception):
    """A measurement that could not be made; the message says why."""


@dataclass
class Run:
    seconds: float
    code: int
    stderr: str = ""
    cpu: float = 0.0  # user + system seconds of the child, from wait4


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


SCRATCH = os.environ.get("TMPDIR", "/tmp")  # set to --work in main()


def child_env(extra):
    # A clean environment: no proxy settings and no CA bundle variables, so every client
    # uses exactly the certificate it is given and talks to 127.0.0.1 directly. The
    # configuration and state (journal, lock) directories are scratch ones, so that no
    # configuration of the machine's user is read and no journal of theirs is written.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": os.path.join(SCRATCH, "config"),
        "XDG_STATE_HOME": os.path.join(SCRATCH, "state"),
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
            _, status, usage = os.wait4(pid, 0)
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
    return Run(elapsed, code, err, usage.ru_utime + usage.ru_stime)


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
        # the client exited: wait (bounded) until the expected lines are there. With
        # expected=None: whatever comes within `wait` (for a first run, to learn how
        # many requests a client sends).
        deadline = time.monotonic() + wait
        while True:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
            complete = data[: data.rfind(b"\n") + 1]
            lines = complete.decode(errors="replace").splitlines()
            if (expected is not None and len(lines) >= expected) or time.monotonic() >= deadline:
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


def med(runs, attr="seconds"):
    return statistics.median(getattr(r, attr) for r in runs)


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

    def base(self, proto):
        return self.a.https_url if proto == "https" else self.a.http_url

    def env(self, base):
        return child_env({"DOCSPACE_URL": base, "DOCSPACE_TOKEN": self.token})

    # -- lifecycle: ours vs floor vs curl vs python, interleaved

    def lifecycle_argv(self, client, proto):
        https = proto == "https"
        base = self.base(proto)
        env = self.env(base)
        if client == OURS:
            argv = [self.a.bin, "lifecycle", "--email", "john.doe@example.com",
                    "--first-name", "John", "--last-name", "Doe", "-q"]
            if https:
                argv += ["--ca-file", self.a.cert]
            return argv, env
        if client == FLOOR:
            if not self.a.floor:
                raise NotMeasured(self.a.floor_why or "benches/floor.rs was not built")
            argv = [self.a.floor, "lifecycle", base]
            if https:
                argv += ["--ca-file", self.a.cert]
            return argv, env
        if client == PYTHON:
            argv = [sys.executable, self.a.python_client]
            if https:
                argv += ["--ca-file", self.a.cert]
            return argv, env
        # curl: the four requests in one process, joined by --next so that curl keeps
        # the connection; the same headers and bodies as the other clients.
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
        expected = {}  # requests per run, learnt from the checked run

        def once(key, argv_env=None):
            argv, env = argv_env or self.lifecycle_argv(*key)
            r = run(argv, env, self.a.timeout, stderr_path=self.err)
            return r, log.take(expected.get(key))

        # One checked run of each first: a client that fails is left out, with the reason.
        # It also tells how many requests the client sends (docspace-people may ask who
        # the caller is, for its journal, before the four lifecycle requests).
        for key, s in series.items():
            try:
                argv_env = self.lifecycle_argv(*key)
                r, conns = once(key, argv_env)
            except NotMeasured as e:
                s.why_not = str(e)
                continue
            if r.code != 0:
                s.why_not = failed(r)
            elif (len(conns.statuses) < LIFECYCLE_REQUESTS
                  or set(conns.statuses) != {"200"}):
                s.why_not = f"nginx answered {conns.statuses}, expected at least 4 x 200"
            else:
                expected[key] = len(conns.statuses)
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
                log.take(expected.get(key))
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
                    ms(med(s.runs, "cpu")), counts("requests"), counts("tcp"),
                    counts("tls") if https else "-", counts("resumed") if https else "-",
                    s.rss_text(),
                ])
        table(rows, ["client", "proto", "median", "min", "CPU median", "requests/run",
                     "TCP conns/run", "TLS handshakes/run", "resumed", "peak RSS median"])
        print("(requests, connections and handshakes per run from the nginx log; 'a/b' means "
              f"runs differed; peak RSS from {self.a.rss_runs} runs under GNU time)")
        for proto in PROTOS:
            ours, floor, curl, py = (series[(c, proto)] for c in CLIENTS)
            parts = []
            for name, ref in (("floor", floor), ("curl", curl)):
                if ours.runs and ref.runs:
                    parts.append(f"ours/{name} = {ours.median_s() / ref.median_s():.2f}")
            if ours.runs and py.runs:
                parts.append(f"python/ours = {py.median_s() / ours.median_s():.1f}")
            print(f"{proto}: " + (", ".join(parts) or "no ratios (a client is not measured)"))

    # -- startup: --version against a static hello

    def version(self):
        heading(f"startup: docspace-people --version against a static hello, "
                f"{self.a.version_runs} interleaved runs each")
        env = child_env({})
        clients = {"docspace-people --version": [self.a.bin, "--version"]}
        if self.a.hello:
            clients["hello (static)"] = [self.a.hello]
        for name, argv in clients.items():
            r = run(argv, env, self.a.timeout, stderr_path=self.err)
            if r.code != 0:
                raise NotMeasured(f"{name}: {failed(r)}")
        for _ in range(20):  # warm the page cache and the CPU
            for argv in clients.values():
                run(argv, env, self.a.timeout, stderr_path=self.err)
        times = {name: [] for name in clients}
        for _ in range(self.a.version_runs):
            for name, argv in clients.items():
                times[name].append(run(argv, env, self.a.timeout, stderr_path=self.err).seconds)
        rows = [[name, ms(statistics.median(t)), ms(min(t))] for name, t in times.items()]
        table(rows, ["binary", "median", "min"])
        self.version_median = statistics.median(times["docspace-people --version"])
        if self.a.hello:
            self.hello_median = statistics.median(times["hello (static)"])
            print(f"difference of the medians: {ms(self.version_median - self.hello_median)}")
        else:
            print(f"hello: not measured: {self.a.hello_why or 'benches/hello.rs was not built'}")
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
            print(f"hyperfine -N, docspace-people --version: median {ms(h['median'])}, "
                  f"min {ms(h['min'])}")
        else:
            print(f"hyperfine failed: {' '.join(done.stderr.split())[:300]}")

    # -- binary: against a minimal ureq + rustls client

    def binary(self):
        heading("binary: stripped size against a minimal static ureq + rustls client")
        self.sizes = {}
        strip = shutil.which("strip")
        if not strip:
            raise NotMeasured("strip is not installed")
        bins = {"docspace-people": self.a.bin}
        if self.a.minimal:
            bins["minimal (ureq + rustls)"] = self.a.minimal
        rows = []
        for name, path in bins.items():
            out = os.path.join(self.a.work, os.path.basename(path) + ".stripped")
            if subprocess.run([strip, "-o", out, path], capture_output=True).returncode != 0:
                raise NotMeasured(f"strip failed on {path}")
            size, stripped, static = os.path.getsize(path), os.path.getsize(out), is_static(path)
            self.sizes[name] = (stripped, static)
            rows.append([name, f"{size} bytes", f"{stripped} bytes ({mib(stripped / 1024)})",
                         "static" if static else "DYNAMIC"])
        table(rows, ["binary", "size", "stripped", "linking"])
        if not self.a.minimal:
            print(f"minimal: not measured: {self.a.minimal_why or 'benches/minimal.rs was not built'}")
            return
        # It must be a working client, or the comparison means nothing: one GET of a page.
        r = run([self.a.minimal, f"{self.a.https_url}/api/2.0/people/{USER_ID}", self.a.cert],
                self.env(self.a.https_url), self.a.timeout,
                stdout_path=os.path.join(self.a.work, "minimal.out"), stderr_path=self.err)
        ok = r.code == 0 and USER_ID in open(os.path.join(self.a.work, "minimal.out")).read()
        ours, minimal = self.sizes["docspace-people"][0], self.sizes["minimal (ureq + rustls)"][0]
        print(f"ours/minimal = {ours / minimal:.3f} (+{ours - minimal} bytes); the minimal client "
              + ("fetched a user over HTTPS from nginx" if ok else f"FAILED its check: {failed(r)}"))
        if not ok:
            del self.sizes["minimal (ureq + rustls)"]

    # -- user list of 10 000 users from nginx's static pages

    def list_urls(self, base):
        return [f"{base}/api/2.0/people/filter?count={PAGE}&startIndex={start}{LIST_QUERY}"
                for start in range(0, LIST_USERS, PAGE)]

    def list_argv(self, client, proto):
        https = proto == "https"
        base = self.base(proto)
        env = self.env(base)
        if client in FORMS:
            argv = [self.a.bin, "user", "list", *FORMS[client]]
            return argv + (["--ca-file", self.a.cert] if https else []), env
        if client == "curl":
            # One process and one command line with the 100 URLs: one connection.
            argv = [self.a.curl, "-sS", "-f", "-H", f"Authorization: Bearer {self.token}",
                    "-H", "Accept: application/json"]
            if https:
                argv += ["--cacert", self.a.cert]
            for url in self.list_urls(base):
                argv += ["-o", "/dev/null", url]
            return argv, env
        if not self.a.floor:
            raise NotMeasured(self.a.floor_why or "benches/floor.rs was not built")
        argv = [self.a.floor, "get", base] + (["--ca-file", self.a.cert] if https else [])
        return argv + [u[len(base):] for u in self.list_urls(base)], env

    def check_listing(self, form, path):
        """Whether the output of a `user list` run lists the 10 000 users of the pages."""
        with open(os.path.join(self.a.pages, "ids.txt")) as f:
            ids = f.read().split()
        with open(path, errors="replace") as f:
            text = f.read()
        if form == "--ids":
            got = text.split()
            return got == ids, f"{len(got)} ids" + ("" if got == ids else " (not the 10 000 in order)")
        if form == "--json":
            try:
                users = json.loads(text)
            except ValueError as e:
                return False, f"not JSON: {e}"
            got = [u.get("id") for u in users]
            return got == ids, f"a JSON array of {len(got)} users"
        lines = [line for line in text.splitlines() if "@example.com" in line]
        return len(lines) == LIST_USERS, f"{len(lines)} table lines with an address"

    def listing(self):
        clients = [*FORMS, "curl", "floor"]
        heading(f"user list of {LIST_USERS} users: {LIST_USERS // PAGE} pages "
                f"({self.a.pages_bytes / 1e6:.1f} MB of JSON) from nginx's static files, "
                f"{self.a.list_rounds} interleaved rounds (+1 warm-up)")
        log = AccessLog(self.a.access_log)
        runs = {(c, p): [] for c in clients for p in PROTOS}
        conns = {(c, p): [] for c in clients for p in PROTOS}
        why = {}
        out = os.path.join(self.a.work, "list.out")
        for key in runs:
            try:
                argv, env = self.list_argv(*key)
            except NotMeasured as e:
                why[key] = str(e)
                continue
            r = run(argv, env, self.a.long_timeout, stdout_path=out, stderr_path=self.err)
            seen = log.take(LIST_USERS // PAGE)
            if r.code != 0:
                why[key] = failed(r)
            elif seen.statuses != ["200"] * (LIST_USERS // PAGE):
                statuses = sorted(set(seen.statuses))
                why[key] = (f"nginx saw {len(seen.statuses)} requests answered {statuses}, "
                            f"expected {LIST_USERS // PAGE} x 200")
            elif key[0] in FORMS:
                ok, what = self.check_listing(key[0], out)
                if not ok:
                    why[key] = f"the output is not the {LIST_USERS} users: {what}"
                else:
                    print(f"check: user list {key[0]} over {key[1]}: exit 0, {what}, "
                          f"{len(seen.statuses)} requests on {seen.tcp} connection(s)")
        active = [k for k in runs if k not in why]
        for round_no in range(1 + self.a.list_rounds):
            for key in active:
                argv, env = self.list_argv(*key)
                r = run(argv, env, self.a.long_timeout, stderr_path=self.err)
                seen = log.take(LIST_USERS // PAGE)
                if r.code != 0:
                    why[key] = f"failed in round {round_no + 1}: {failed(r)}"
                elif round_no:
                    runs[key].append(r)
                    conns[key].append(seen)
            active = [k for k in active if k not in why]
        rss = {}
        rss_why = ""
        for _ in range(self.a.rss_runs):
            for key in [k for k in active if k[0] in FORMS]:
                argv, env = self.list_argv(*key)
                try:
                    rss.setdefault(key, []).append(peak_rss(
                        self.a.gnu_time, argv, env, self.a.long_timeout, self.err, self.a.work))
                except NotMeasured as e:
                    rss_why = str(e)
                log.take(LIST_USERS // PAGE)
        rows = []
        for proto in PROTOS:
            for client in clients:
                key = (client, proto)
                name = f"docspace-people {client}" if client in FORMS else {
                    "curl": "curl, 100 URLs", "floor": "floor (bare client)"}[client]
                if key in why or not runs[key]:
                    rows.append([name, proto, "not measured: " + why.get(key, "no runs")])
                    continue
                c = conns[key]
                rss_text = (f"{mib(statistics.median(rss[key]))} (max {mib(max(rss[key]))})"
                            if key in rss else ("-" if client not in FORMS
                                                else "not measured: " + rss_why))
                rows.append([name, proto, ms(med(runs[key])), ms(min(r.seconds for r in runs[key])),
                             ms(med(runs[key], "cpu")),
                             "/".join(str(n) for n in sorted({x.tcp for x in c})), rss_text])
        table(rows, ["client", "proto", "median", "min", "CPU median", "TCP conns/run",
                     "peak RSS median"])
        for proto in PROTOS:
            parts = []
            for form in FORMS:
                ours = runs[(form, proto)]
                for ref in ("curl", "floor"):
                    if ours and runs[(ref, proto)]:
                        parts.append(f"{form} ours/{ref} = {med(ours) / med(runs[(ref, proto)]):.2f}")
            print(f"{proto}: " + (", ".join(parts) or "no ratios (a client is not measured)"))
        self.list_runs, self.list_rss, self.list_why = runs, rss, why

    # -- memory flat from 10 000 to 100 000 users, over bench_portal

    def flat(self):
        sizes = {10000: self.a.portal_10k, 100000: self.a.portal_100k}
        heading(f"user list over bench_portal: peak RSS at 10 000 and 100 000 users, "
                f"{self.a.rss_runs} runs each under GNU time")
        if not all(sizes.values()):
            raise NotMeasured(self.a.portal_why or "bench_portal is not running")
        argv = [self.a.bin, "user", "list"]
        out = os.path.join(self.a.work, "list-portal.out")
        rss, walls = {n: [] for n in sizes}, {}
        for n, url in sizes.items():
            before = portal_get(url, "/__stats")
            r = run(argv, self.env(url), self.a.long_timeout, stdout_path=out,
                    stderr_path=self.err)
            delta = stats_delta(before, portal_get(url, "/__stats"))
            if r.code != 0:
                raise NotMeasured(f"'user list' over {n} users: {failed(r)}")
            with open(out, errors="replace") as f:
                lines = sum(1 for line in f if "@example.com" in line)
            walls[n] = r.seconds
            print(f"{n} users: the check run took {ms(r.seconds)} (CPU {ms(r.cpu)}), printed "
                  f"{lines} users; the portal saw {delta['requests']} requests on "
                  f"{delta['connections']} connection(s)")
        for _ in range(self.a.rss_runs):
            for n, url in sizes.items():
                rss[n].append(peak_rss(self.a.gnu_time, argv, self.env(url),
                                       self.a.long_timeout, self.err, self.a.work))
        small, large = (statistics.median(rss[n]) for n in sizes)
        print(f"peak RSS median: {mib(small)} at 10 000 users, {mib(large)} at 100 000 users, "
              f"difference {mib(large - small)}")
        self.flat_rss = rss

    # -- bulk terminate + delete of 10 000 users over bench_portal

    def bulk(self):
        heading(f"user delete --terminate --from ids.txt over bench_portal: {BULK_USERS} users, "
                f"{self.a.bulk_rounds} runs")
        url = self.a.portal_10k
        if not url:
            raise NotMeasured(self.a.portal_why or "bench_portal is not running")
        ids = []
        for start in range(0, BULK_USERS, 100):
            page = portal_get(url, f"/api/2.0/people/filter?count=100&startIndex={start}",
                              self.token)
            ids += [u["id"] for u in page["response"]]
        path = os.path.join(self.a.work, "ids.txt")
        with open(path, "w") as f:
            f.write("\n".join(ids) + "\n")
        argv = [self.a.bin, "user", "delete", "--terminate", "--from", path,
                "--yes", "--max", str(BULK_USERS), "-q"]
        env = self.env(url)
        runs = []
        for _ in range(self.a.bulk_rounds):
            # bench_portal keeps no state, so every run deletes the same 10 000 users.
            before = portal_get(url, "/__stats")
            r = run(argv, env, self.a.long_timeout, stderr_path=self.err)
            delta = stats_delta(before, portal_get(url, "/__stats"))
            if r.code != 0:
                raise NotMeasured(f"{len(ids)} ids: {failed(r)}")
            runs.append(r)
        print(f"wall median {ms(med(runs))}, local CPU (user+sys) median {ms(med(runs, 'cpu'))} "
              f"(min {ms(min(r.cpu for r in runs))})")
        routes = ", ".join(f"{n} x {route}" for route, n in delta["routes"].items())
        print(f"per run the portal received {delta['requests']} requests on "
              f"{delta['connections']} connection(s): {routes}")
        print(f"ids sent: {delta['ids_status']} to PUT status, {delta['ids_deleted']} to PUT delete "
              f"(the bulk path alone would be {BULK_USERS // 100} + {BULK_USERS // 100} "
              f"= {BULK_USERS // 50} requests)")
        self.bulk_runs, self.bulk_delta = runs, delta

    # -- 100 000 ids read, de-duplicated and planned locally

    def input(self):
        heading(f"user activate --dry-run --from FILE: {2 * INPUT_IDS} lines "
                f"({INPUT_IDS} ids, each twice), {self.a.input_rounds} runs")
        path = os.path.join(self.a.work, "input-ids.txt")
        with open(path, "w") as f:
            for i in range(INPUT_IDS):
                uid = f"00000000-0000-4000-8000-{i:012x}"
                f.write(f"{uid}\n{uid.upper()}\n")
        # `activate`, because it is the one bulk change that sends ids as named: the
        # others read each user first (to protect the owner and the caller), so their run
        # is bound by those requests, not by the local work measured here. Against nginx,
        # which answers 404 to anything but its fixtures; every request is counted from
        # its log, so a tool that looked ids up one by one would show it.
        argv = [self.a.bin, "user", "activate", "--dry-run", "--no-journal",
                "--max", "1000000", "--from", path]
        env = self.env(self.a.http_url)
        log = AccessLog(self.a.access_log)
        out = os.path.join(self.a.work, "input.out")
        r = run(argv, env, self.a.long_timeout, stdout_path=out, stderr_path=self.err)
        sent = log.take(None, wait=0.3)
        if r.code != 0:
            raise NotMeasured(failed(r))
        with open(out, errors="replace") as f:
            planned = sum(1 for line in f if line.startswith("would activate 00000000-"))
        if planned != INPUT_IDS:
            raise NotMeasured(f"the dry run planned {planned} ids, expected {INPUT_IDS}")
        runs = []
        for _ in range(self.a.input_rounds):
            runs.append(run(argv, env, self.a.long_timeout, stderr_path=self.err))
            log.take(len(sent.statuses))
        if any(r.code for r in runs):
            raise NotMeasured(failed(next(r for r in runs if r.code)))
        print(f"check: exit 0, every id planned once, {len(sent.statuses)} request(s) sent "
              f"({', '.join(sorted(set(sent.statuses))) or 'none'}); wall median {ms(med(runs))} "
              f"(min {ms(min(r.seconds for r in runs))}), CPU median {ms(med(runs, 'cpu'))}")
        self.input_runs = runs

    # -- summary and targets

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

    def list_series(self, client, proto):
        runs = self.need("list_runs")[(client, proto)]
        if not runs:
            raise NotMeasured(f"{client} over {proto}: "
                              + self.list_why.get((client, proto), "no runs"))
        return runs

    def summary(self):
        heading("targets (issue 14)")
        table([[status, name, figure] for name, status, figure in self.evaluate()],
              ["result", "target", "figure: ours, the reference in the same run, ratio"])

    def evaluate(self):
        """(target, 'met' / 'not met' / 'not measured', figure) for each target."""
        out = []

        def check(name, compute):
            try:
                ok, figure = compute()
                out.append((name, "met" if ok else "not met", figure))
            except NotMeasured as e:
                out.append((name, "not measured", str(e)))

        def list_vs_curl(form, proto, limit):
            def compute():
                ours = med(self.list_series(form, proto))
                curl = med(self.list_series("curl", proto))
                floor = ""
                try:
                    f = med(self.list_series("floor", proto))
                    floor = f"; floor {ms(f)}, ours/floor {ours / f:.2f}"
                except NotMeasured:
                    pass
                return ours / curl <= limit, (f"{ms(ours)}, curl {ms(curl)}, "
                                              f"{ours / curl:.2f} x curl{floor}")
            return compute

        def lifecycle_vs(client, limit):
            def compute():
                ours = self.lifecycle_series(OURS, "https")
                ref = self.lifecycle_series(client, "https")
                ratio = ours.median_s() / ref.median_s()
                requests = "/".join(str(n) for n in sorted({c.requests for c in ours.conns}))
                return ratio <= limit, (f"{ms(ours.median_s())} ({requests} requests), "
                                        f"{client} {ms(ref.median_s())}, {ratio:.2f} x")
            return compute

        def one_connection():
            x = self.lifecycle_series(OURS, "https")
            ok = all(c.tcp == 1 and c.tls == 1 for c in x.conns)
            return ok, (f"at most {max(c.tcp for c in x.conns)} TCP connection(s) and "
                        f"{max(c.tls for c in x.conns)} TLS handshake(s) per run, "
                        f"{len(x.conns)} runs")

        def bulk_cpu():
            runs = self.need("bulk_runs")
            cpu = med(runs, "cpu")
            d = self.bulk_delta
            return cpu <= BULK_CPU, (f"CPU {ms(cpu)} (limit {ms(BULK_CPU)}), wall {ms(med(runs))}, "
                                     f"{d['requests']} requests on {d['connections']} connection(s)")

        def input_time():
            runs = self.need("input_runs")
            return med(runs) < INPUT_SECONDS, (f"{ms(med(runs))} wall (limit {ms(INPUT_SECONDS)}), "
                                               f"CPU {ms(med(runs, 'cpu'))}")

        def rss_lifecycle():
            rss = []
            for proto in PROTOS:
                try:
                    rss += self.lifecycle_series(OURS, proto).rss
                except NotMeasured:
                    continue
            if not rss:
                raise NotMeasured("no lifecycle run of docspace-people under GNU time")
            return max(rss) <= RSS_MAX, f"{mib(max(rss))} (the largest of {len(rss)} runs), limit {mib(RSS_MAX)}"

        def rss_listing():
            rss = [k for v in self.need("list_rss").values() for k in v]
            if not rss:
                raise NotMeasured("no listing run under GNU time")
            return max(rss) <= RSS_MAX, (f"{mib(max(rss))} (the largest of {len(rss)} runs, "
                                         "every form, HTTP and HTTPS), limit " + mib(RSS_MAX))

        def rss_flat():
            rss = self.need("flat_rss")
            small, large = statistics.median(rss[10000]), statistics.median(rss[100000])
            return large - small <= RSS_FLAT, (
                f"{mib(small)} at 10 000 users, {mib(large)} at 100 000 "
                f"(difference {mib(large - small)}, limit {mib(RSS_FLAT)})")

        def size():
            sizes = self.need("sizes")
            if "minimal (ureq + rustls)" not in sizes:
                raise NotMeasured(self.a.minimal_why or "the minimal client was not measured")
            (ours, static), (minimal, _) = sizes["docspace-people"], sizes["minimal (ureq + rustls)"]
            return ours / minimal <= SIZE_VS_MINIMAL and static, (
                f"{ours} bytes{'' if static else ' (NOT static)'}, minimal {minimal} bytes, "
                f"{ours / minimal:.3f} x (+{ours - minimal} bytes)")

        def startup():
            ours, hello = self.need("version_median"), self.need("hello_median")
            return ours - hello <= VERSION_VS_HELLO, (
                f"{ms(ours)}, hello {ms(hello)}, difference {ms(ours - hello)} "
                f"(limit {ms(VERSION_VS_HELLO)})")

        for form in FORMS:
            check(f"user list {LIST_USERS} HTTPS {form}: <= {LIST_HTTPS_VS_CURL} x curl",
                  list_vs_curl(form, "https", LIST_HTTPS_VS_CURL))
        for form in FORMS:
            check(f"user list {LIST_USERS} HTTP {form}: <= {LIST_HTTP_VS_CURL} x curl",
                  list_vs_curl(form, "http", LIST_HTTP_VS_CURL))
        check(f"lifecycle HTTPS: <= {LIFECYCLE_VS_FLOOR} x floor", lifecycle_vs(FLOOR, LIFECYCLE_VS_FLOOR))
        check(f"lifecycle HTTPS: <= {LIFECYCLE_VS_CURL} x curl --next", lifecycle_vs(CURL, LIFECYCLE_VS_CURL))
        check("lifecycle HTTPS: 1 TCP connection, 1 TLS handshake", one_connection)
        check(f"terminate+delete {BULK_USERS}: local CPU <= {BULK_CPU} s", bulk_cpu)
        check(f"{INPUT_IDS} ids read, de-duplicated, planned: < {INPUT_SECONDS:g} s", input_time)
        check("peak RSS lifecycle <= 4 MiB", rss_lifecycle)
        check(f"peak RSS user list {LIST_USERS} <= 4 MiB", rss_listing)
        check("peak RSS flat, user list 10 000 -> 100 000", rss_flat)
        check(f"stripped static binary <= {SIZE_VS_MINIMAL} x minimal ureq+rustls", size)
        check("--version <= hello + 0.3 ms", startup)
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
    global SCRATCH
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bin", required=True)
    p.add_argument("--curl", default=shutil.which("curl") or "/usr/bin/curl")
    p.add_argument("--python-client", required=True)
    p.add_argument("--floor", default="", help="benches/floor.rs, built")
    p.add_argument("--minimal", default="", help="benches/minimal.rs, built")
    p.add_argument("--hello", default="", help="benches/hello.rs, built")
    for name in ("floor", "minimal", "hello"):
        p.add_argument(f"--{name}-why", default="", help=f"why there is no {name} binary")
    p.add_argument("--http-url", required=True)
    p.add_argument("--https-url", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--access-log", required=True)
    p.add_argument("--pages", required=True, help="the directory list_pages.py wrote")
    p.add_argument("--portal-10k", default="")
    p.add_argument("--portal-100k", default="")
    p.add_argument("--portal-why", default="", help="why bench_portal is not running")
    p.add_argument("--work", required=True, help="directory for scratch files")
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--list-rounds", type=int, default=7)
    p.add_argument("--bulk-rounds", type=int, default=3)
    p.add_argument("--input-rounds", type=int, default=3)
    p.add_argument("--version-runs", type=int, default=300)
    p.add_argument("--rss-runs", type=int, default=5, help="runs under GNU time per figure")
    p.add_argument("--gnu-time", default="/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else "")
    p.add_argument("--timeout", type=float, default=30, help="seconds per lifecycle run")
    p.add_argument("--long-timeout", type=float, default=300, help="seconds per list/bulk run")
    args = p.parse_args()
    SCRATCH = args.work
    args.pages_bytes = sum(os.path.getsize(os.path.join(args.pages, f))
                           for f in os.listdir(args.pages) if f.startswith("filter-"))
    bench = Bench(args)
    # Each step and the figures it leaves behind; a step that fails leaves its reason.
    steps = [
        (bench.listing, ["list_runs", "list_rss"]),
        (bench.lifecycle, ["series"]),
        (bench.binary, ["sizes"]),
        (bench.version, ["version_median", "hello_median"]),
        (bench.bulk, ["bulk_runs", "bulk_delta"]),
        (bench.flat, ["flat_rss"]),
        (bench.input, ["input_runs"]),
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
