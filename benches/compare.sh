#!/usr/bin/env bash
# Performance comparison of docspace-people with its references (issue 14): curl, a bare
# rustls client (benches/floor.rs), a minimal ureq + rustls client (benches/minimal.rs),
# a static hello (benches/hello.rs) and Python `requests`.
#
#   cargo build --release && bash benches/compare.sh
#
# Installs what it needs (nginx, hyperfine, GNU time, openssl, curl, binutils, Python
# requests), builds the reference clients and bench_portal, writes the canned pages of a
# 10 000-user listing (benches/list_pages.py), serves them and the canned lifecycle
# answers from nginx on 127.0.0.1 over HTTP and HTTPS, runs the generated portal of
# examples/bench_portal.rs with 10 000 and 100 000 users, then runs benches/measure.py,
# which times the clients and prints the report. See benches/README.md.
#
# Knobs (environment): BENCH_ROUNDS (30), BENCH_WARMUP (2), BENCH_LIST_ROUNDS (7),
# BENCH_BULK_ROUNDS (3), BENCH_INPUT_ROUNDS (3), BENCH_VERSION_RUNS (300),
# BENCH_RSS_RUNS (5), BENCH_KEEP=1 keeps the scratch directory.
#
# Exits non-zero only when the setup fails; a measurement that cannot be made is
# reported as "not measured: <why>".
set -euo pipefail

say() { printf 'compare.sh: %s\n' "$*"; }
die() { say "setup failed: $*" >&2; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
bin="$repo/target/x86_64-unknown-linux-gnu/release/docspace-people"
examples="$repo/target/x86_64-unknown-linux-gnu/release/examples"
portal_bin="$examples/bench_portal"

rounds=${BENCH_ROUNDS:-30}
warmup=${BENCH_WARMUP:-2}
list_rounds=${BENCH_LIST_ROUNDS:-7}
bulk_rounds=${BENCH_BULK_ROUNDS:-3}
input_rounds=${BENCH_INPUT_ROUNDS:-3}
version_runs=${BENCH_VERSION_RUNS:-300}
rss_runs=${BENCH_RSS_RUNS:-5}
for knob in "$rounds" "$warmup" "$list_rounds" "$bulk_rounds" "$input_rounds" "$version_runs" "$rss_runs"; do
    [[ $knob =~ ^[0-9]+$ ]] || die "the BENCH_* settings must be whole numbers, not '$knob'"
done

# ------------------------------------------------------------------ cleanup
# Everything this script starts is recorded here and stopped on exit, however it exits.
run_dir=""
nginx_pid=""
portal_pids=()
policy_rc_d_added=""

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    local status=$?
    set +e
    if [[ -n $policy_rc_d_added ]]; then
        as_root rm -f /usr/sbin/policy-rc.d
    fi
    local pid
    for pid in "${portal_pids[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [[ -n $nginx_pid ]]; then
        # TERM is nginx's fast shutdown: the master stops its worker and exits.
        kill "$nginx_pid" 2>/dev/null
        wait "$nginx_pid" 2>/dev/null
    fi
    if [[ -n $run_dir ]]; then
        if [[ ${BENCH_KEEP:-} == 1 ]]; then
            say "scratch files kept in $run_dir"
        else
            rm -rf "$run_dir"
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Scratch directory: certificate, nginx config and logs, apt log, measurement files.
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/docspace-bench.XXXXXX")
mkdir -p "$run_dir/tmp"
# nginx's worker runs as nobody and must reach its temp dirs inside the run directory.
chmod 755 "$run_dir"

# ------------------------------------------------------------------ installs
# Only what is missing is installed, so a second run installs nothing.
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

have() { command -v "$1" >/dev/null 2>&1 || [[ -x /usr/sbin/$1 ]]; }

# apt's own output goes to a log, shown only when it fails.
apt_updated=""
apt_install() {
    say "installing with apt-get: $*"
    if [[ -z $apt_updated ]]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$run_dir/apt.log" 2>&1 \
            || { tail -n 20 "$run_dir/apt.log" >&2; die "apt-get update failed"; }
        apt_updated=1
    fi
    if ! as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >>"$run_dir/apt.log" 2>&1; then
        tail -n 20 "$run_dir/apt.log" >&2
        return 1
    fi
}

packages=()
have openssl || packages+=(openssl)
have curl || packages+=(curl ca-certificates)
have strip || packages+=(binutils)
have python3 || packages+=(python3)
# GNU time measures peak RSS (a shell's "time" keyword does not).
[[ -x /usr/bin/time ]] || packages+=(time)
if ((${#packages[@]})); then
    apt_install "${packages[@]}" || die "could not install ${packages[*]}"
fi

if ! have nginx; then
    # Installing Debian's nginx package normally starts the system nginx on port 80 of
    # every interface; this benchmark wants only its own, on 127.0.0.1. A policy-rc.d
    # that answers 101 tells the package scripts not to start services.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
        as_root chmod 755 /usr/sbin/policy-rc.d
        policy_rc_d_added=1
    fi
    # nginx-light is the smallest build with SSL; newer releases only have "nginx".
    apt_install nginx-light || apt_install nginx || die "could not install nginx"
    if [[ -n $policy_rc_d_added ]]; then
        as_root rm -f /usr/sbin/policy-rc.d
        policy_rc_d_added=""
    fi
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)

# hyperfine only gives a second opinion on the startup time; its absence is not fatal.
if ! have hyperfine; then
    apt_install hyperfine || say "hyperfine is not available; startup is timed by measure.py alone"
fi

python=$(command -v python3)
if ! "$python" -c 'import requests' 2>/dev/null; then
    say "installing with pip: requests"
    # A Debian system Python refuses pip installs (PEP 668); its own package then.
    "$python" -m pip install --quiet requests \
        || apt_install python3-requests \
        || die "could not install the Python package requests"
fi

# ------------------------------------------------------------------ builds
if [[ ! -x $bin ]]; then
    say "no release binary yet: cargo build --release"
    cargo build --release || die "cargo build --release failed"
fi
# The reference clients and the portal are built with the release profile and the
# repository's flags (.cargo/config.toml): minimal and hello as examples (cargo builds
# bench targets with panic = "unwind", unlike the product), floor as a bench target,
# whose executable name carries a hash and is read from cargo's JSON messages.
# An example or bench is built after the library, so a library that does not compile
# right now (work in progress) fails these builds although they do not use it: then a
# binary built earlier from the same source is used, or the rows it serves say why not.
portal_why="" minimal_why="" hello_why="" floor_why=""
say "building the references and the portal: cargo build --release --example bench_portal --example minimal --example hello; --bench floor"
if ! cargo build --release --example bench_portal --example minimal --example hello \
    >"$run_dir/cargo.log" 2>&1; then
    grep -m 1 -A 4 '^error' "$run_dir/cargo.log" | sed 's/^/    /' >&2 || true
    say "the build failed; binaries built earlier from the same sources are used if there are any"
    [[ -x $portal_bin && $portal_bin -nt examples/bench_portal.rs ]] \
        || portal_why="cargo build --release --example bench_portal failed"
    [[ -x $examples/minimal && $examples/minimal -nt benches/minimal.rs ]] \
        || minimal_why="cargo build --release --example minimal failed"
    [[ -x $examples/hello && $examples/hello -nt benches/hello.rs ]] \
        || hello_why="cargo build --release --example hello failed"
fi
floor_bin=""
if cargo build --release --bench floor --message-format=json-render-diagnostics \
    >"$run_dir/floor.json" 2>"$run_dir/cargo-floor.log"; then
    floor_bin=$("$python" -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "floor" and m.get("executable"):
        print(m["executable"])' "$run_dir/floor.json")
    [[ -x $floor_bin ]] || { floor_bin=""; floor_why="cargo named no floor executable"; }
else
    grep -m 1 -A 4 '^error' "$run_dir/cargo-floor.log" | sed 's/^/    /' >&2 || true
    floor_why="cargo build --release --bench floor failed"
fi
minimal_bin="" hello_bin=""
[[ -n $minimal_why ]] || minimal_bin="$examples/minimal"
[[ -n $hello_why ]] || hello_bin="$examples/hello"
for why in "$portal_why" "$minimal_why" "$hello_why" "$floor_why"; do
    [[ -z $why ]] || say "$why"
done

# ------------------------------------------------------------------ servers
# A self-signed certificate for 127.0.0.1 and localhost. It is not a CA certificate
# (CA:FALSE), because rustls refuses a CA certificate as a server's own certificate.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$run_dir/key.pem" -out "$run_dir/cert.pem" -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=serverAuth" 2>"$run_dir/openssl.log" \
    || { cat "$run_dir/openssl.log" >&2; die "openssl could not make the certificate"; }

# Two free loopback ports, held open together so they differ, then released for nginx.
read -r http_port https_port < <("$python" -c '
import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])') || true
[[ -n ${https_port:-} ]] || die "could not find two free ports on 127.0.0.1"

# The canned pages of the 10 000-user listing, served by nginx as static files.
"$python" benches/list_pages.py "$run_dir/pages" || die "could not write the listing pages"

sed -e "s|@RUN@|$run_dir|g" -e "s|@HTTP_PORT@|$http_port|g" -e "s|@HTTPS_PORT@|$https_port|g" \
    -e "s|@CERT@|$run_dir/cert.pem|g" -e "s|@KEY@|$run_dir/key.pem|g" \
    benches/nginx.conf.in >"$run_dir/nginx.conf"
touch "$run_dir/access.log"
"$nginx" -t -q -p "$run_dir" -e "$run_dir/error.log" -c "$run_dir/nginx.conf" \
    || die "nginx rejected its configuration ($run_dir/nginx.conf)"
"$nginx" -p "$run_dir" -e "$run_dir/error.log" -c "$run_dir/nginx.conf" &
nginx_pid=$!

# Wait (at most 5 s) until both listeners answer; without a credential nginx says 401.
wait_for_nginx() {
    local i
    for ((i = 0; i < 50; i++)); do
        if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/") == 401 &&
            $(curl -s -o /dev/null -w '%{http_code}' --cacert "$run_dir/cert.pem" \
                "https://127.0.0.1:$https_port/") == 401 ]]; then
            return 0
        fi
        kill -0 "$nginx_pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
wait_for_nginx || { cat "$run_dir/error.log" >&2; die "nginx did not start"; }
say "nginx $("$nginx" -v 2>&1 | sed 's|.*/||') on http://127.0.0.1:$http_port and https://127.0.0.1:$https_port"

# One bench_portal per portal size; each prints "listening on 127.0.0.1:PORT" first.
# start_portal USERS VAR: starts it and stores its URL in VAR (no subshell, so that its
# pid stays recorded for the cleanup).
start_portal() {
    local users=$1 out="$run_dir/portal-$1.out" i
    : >"$out" # exists before the first poll, however late the child opens it
    "$portal_bin" --port 0 --users "$users" >"$out" 2>"$run_dir/portal-$users.err" &
    portal_pids+=("$!")
    # 100 000 users take bench_portal a moment to generate: wait up to 15 s.
    for ((i = 0; i < 300; i++)); do
        if [[ $(head -n 1 "$out") =~ ^listening\ on\ (127\.0\.0\.1:[0-9]+)$ ]]; then
            printf -v "$2" 'http://%s' "${BASH_REMATCH[1]}"
            return 0
        fi
        kill -0 "${portal_pids[-1]}" 2>/dev/null || break
        sleep 0.05
    done
    return 1
}
portal_10k=""
portal_100k=""
if [[ -z $portal_why ]]; then
    if start_portal 10000 portal_10k && start_portal 100000 portal_100k; then
        say "bench_portal: 10 000 users at $portal_10k, 100 000 users at $portal_100k"
    else
        portal_why="bench_portal did not start: $(cat "$run_dir"/portal-*.err 2>/dev/null | head -c 300)"
        portal_10k=""
        portal_100k=""
        say "$portal_why"
    fi
fi

# ------------------------------------------------------------------ measurements
say "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r)"
say "clients: $("$bin" --version 2>&1 | head -n 1); $(curl --version | head -n 1 | cut -d' ' -f1-5);" \
    "Python $("$python" -c 'import platform, requests; print(platform.python_version(), "requests", requests.__version__)')"

"$python" benches/measure.py \
    --bin "$bin" \
    --curl "$(command -v curl)" \
    --python-client "$repo/benches/lifecycle_requests.py" \
    --floor "$floor_bin" --floor-why "$floor_why" \
    --minimal "$minimal_bin" --minimal-why "$minimal_why" \
    --hello "$hello_bin" --hello-why "$hello_why" \
    --pages "$run_dir/pages" \
    --http-url "http://127.0.0.1:$http_port" \
    --https-url "https://127.0.0.1:$https_port" \
    --cert "$run_dir/cert.pem" \
    --access-log "$run_dir/access.log" \
    --portal-10k "$portal_10k" \
    --portal-100k "$portal_100k" \
    --portal-why "$portal_why" \
    --work "$run_dir" \
    --rounds "$rounds" \
    --warmup "$warmup" \
    --list-rounds "$list_rounds" \
    --bulk-rounds "$bulk_rounds" \
    --input-rounds "$input_rounds" \
    --version-runs "$version_runs" \
    --rss-runs "$rss_runs" \
    --gnu-time /usr/bin/time

# The portals' own totals, printed by bench_portal on stderr when told to quit.
for url in "$portal_10k" "$portal_100k"; do
    if [[ -n $url ]]; then
        curl -s -o /dev/null --max-time 5 "$url/__quit" || true
    fi
done
for f in "$run_dir"/portal-*.err; do
    [[ -s $f ]] && say "$(basename "$f" .err) totals: $(tail -n 1 "$f")"
done
exit 0
