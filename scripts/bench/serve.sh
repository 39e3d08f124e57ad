#!/usr/bin/env bash
# Serving benchmark: `maas serve` against an nginx that returns a fixed JSON body, both driven by
# wrk on 127.0.0.1 with one text per POST, at 1 and 64 keep-alive connections. Writes the results
# into the "Serving" section of docs/BENCHMARKS.md.
#
# Usage: bash scripts/bench/serve.sh [--no-write]
#   --no-write  print the section without changing docs/BENCHMARKS.md
# Environment (defaults in brackets):
#   MAAS_BINARY           the maas binary [build/maas]; this script builds nothing
#   MAAS_BENCH_SECONDS    seconds per measured wrk run [10]
#   MAAS_BENCH_REPEATS    measured runs per server and connection count [3]
#   MAAS_BENCH_WORK       folder for the trained model, reused by later runs [build/bench/serve]
#   MAAS_BENCH_NOTE       one line about the run's conditions, added to the section [none]
# Needs the Debian packages nginx (or nginx-light), wrk and python3, and the GameTox data in
# shared/datasets/gametox beside the repository.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench_dir="$repo/scripts/bench"
maas=${MAAS_BINARY:-$repo/build/maas}
seconds=${MAAS_BENCH_SECONDS:-10}
repeats=${MAAS_BENCH_REPEATS:-3}
work=${MAAS_BENCH_WORK:-$repo/build/bench/serve}
warmup_seconds=2
connection_counts=(1 64)
write_doc=1

for arg in "$@"; do
  case "$arg" in
    --no-write) write_doc=0 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "error: unknown argument '$arg'; the only option is --no-write" >&2; exit 2 ;;
  esac
done

fail() { echo "error: $*" >&2; exit 1; }

[[ -x "$maas" ]] || fail "maas binary '$maas' not found; build it first (cmake --build build --target maas) or set MAAS_BINARY"
data="$repo/../shared/datasets/gametox"
[[ -f "$data/train.csv" && -f "$data/test.csv" ]] ||
  fail "GameTox data not found in '$data'; it ships beside the repository in shared/datasets/gametox"
for tool in nginx wrk python3 timeout; do
  command -v "$tool" >/dev/null || fail "'$tool' not found; install it (Debian: apt-get install nginx-light wrk python3)"
done
[[ "$seconds" =~ ^[1-9][0-9]*$ && "$seconds" -le 600 ]] || fail "MAAS_BENCH_SECONDS must be 1 to 600, got '$seconds'"
[[ "$repeats" =~ ^[1-9][0-9]*$ && "$repeats" -le 20 ]] || fail "MAAS_BENCH_REPEATS must be 1 to 20, got '$repeats'"

tmp=$(mktemp -d /tmp/maas-bench-serve-XXXXXX)
maas_pid=""
nginx_pid=""

# Stops a process: SIGTERM, then SIGKILL after 10 s.
stop_process() {
  local pid=$1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_process "$maas_pid"
  # nginx's master stops its workers on SIGTERM (fast shutdown).
  stop_process "$nginx_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Peak resident memory in kB of one process (VmHWM), or 0 when it has exited.
peak_rss_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
children_of() { ps -o pid= --ppid "$1" 2>/dev/null || true; }

# ---- Model ----
run_dir="$work/gametox-run"
if "$maas" export "$run_dir/model" --output "$tmp/check" --name gametox >/dev/null 2>&1; then
  echo "reusing the model in $run_dir/model"
else
  echo "training $repo/configs/gametox.yaml into $run_dir (a minute or two on 2 cores)"
  mkdir -p "$work"
  rm -rf "$run_dir"
  "$maas" train "$repo/configs/gametox.yaml" --no-progress --set "output=$run_dir" >"$tmp/train.log" 2>&1 ||
    { cat "$tmp/train.log" >&2; fail "training failed; see the log above"; }
fi
"$maas" export "$run_dir/model" --output "$tmp/models" --name gametox >/dev/null
body=$(python3 "$bench_dir/serve_report.py" body "$data/test.csv")
path="/v1/models/gametox:predict"

# ---- maas ----
maas_args=(serve --model-dir "$tmp/models" --host 127.0.0.1 --port 0 --access-log none --poll-seconds 0)
"$maas" "${maas_args[@]}" >"$tmp/maas.out" 2>"$tmp/maas.err" &
maas_pid=$!
maas_port=""
for _ in $(seq 600); do
  maas_port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$tmp/maas.out")
  [[ -n "$maas_port" ]] && break
  kill -0 "$maas_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$maas_port" ]] || { cat "$tmp/maas.err" >&2; fail "maas serve did not start within 60 s; see its log above"; }
maas_url="http://127.0.0.1:$maas_port$path"

# The fixed nginx body is a real maas response, so both servers send the same number of bytes.
response=$(timeout 10 python3 - "$maas_url" "$body" <<'EOF'
import sys, urllib.request
request = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), headers={"Content-Type": "application/json"})
with urllib.request.urlopen(request, timeout=5) as reply:
    sys.stdout.write(reply.read().decode())
EOF
) || fail "the first maas request to $maas_url failed"
[[ "$response" == *predictions* && "$response" != *"'"* ]] || fail "unexpected maas response '$response'"

# ---- nginx ----
nginx_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
# Written by scripts/bench/serve.sh; one worker per core, like maas's compute threads.
$([[ $(id -u) == 0 ]] && echo "user www-data;")
worker_processes $(nproc);
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location = $path {
      default_type application/json;
      return 200 '$response';
    }
  }
}
EOF
nginx -e "$tmp/nginx/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
nginx_url="http://127.0.0.1:$nginx_port$path"
for _ in $(seq 100); do
  timeout 2 python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
    "$nginx_port" 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$tmp/nginx/error.log" >&2; fail "nginx exited; see its log above"; }
  sleep 0.1
done

# ---- Load ----
# Runs wrk once and appends its BENCH line, tagged with server and connections, to results.jsonl.
run_wrk() {
  local server=$1 url=$2 connections=$3 duration=$4 record=$5
  local threads=$((connections < 2 ? connections : 2))
  local output
  output=$(MAAS_BENCH_BODY="$body" timeout -k 5 $((duration + 30)) \
    wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$bench_dir/serve_post.lua" "$url") ||
    { echo "$output" >&2; fail "wrk against $server failed"; }
  local line
  line=$(grep '^BENCH ' <<<"$output" | sed 's/^BENCH //')
  [[ -n "$line" ]] || { echo "$output" >&2; fail "wrk printed no BENCH line for $server"; }
  if [[ "$record" == 1 ]]; then
    echo "{\"server\": \"$server\", \"connections\": $connections, \"wrk\": $line}" |
      python3 -c 'import json, sys; r = json.load(sys.stdin); w = r.pop("wrk"); r.update(w); print(json.dumps(r))' \
      >>"$tmp/results.jsonl"
    echo "  $server c=$connections: $line"
  fi
}

: >"$tmp/results.jsonl"
echo "warming up both servers for ${warmup_seconds} s each"
run_wrk maas "$maas_url" 64 "$warmup_seconds" 0
run_wrk nginx "$nginx_url" 64 "$warmup_seconds" 0
for connections in "${connection_counts[@]}"; do
  for repeat in $(seq "$repeats"); do
    echo "connections $connections, run $repeat of $repeats"
    run_wrk maas "$maas_url" "$connections" "$seconds" 1
    run_wrk nginx "$nginx_url" "$connections" "$seconds" 1
  done
done

maas_rss_kb=$(peak_rss_kb "$maas_pid")
nginx_rss_kb=$(peak_rss_kb "$nginx_pid")
for worker in $(children_of "$nginx_pid"); do
  nginx_rss_kb=$((nginx_rss_kb + $(peak_rss_kb "$worker")))
done

# ---- Report ----
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]] && commit="$commit with uncommitted changes"
MAAS_META_COMMIT="$commit" MAAS_META_CPU="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" \
MAAS_META_NGINX="$(nginx -v 2>&1 | sed 's/^nginx version: //')" \
MAAS_META_WRK="$(wrk --version 2>&1 | head -1 | awk '{print $1, $2}')" \
MAAS_META_MAAS_COMMAND="maas ${maas_args[*]/#$tmp/\$TMP}" \
python3 - "$tmp/meta.json" "$body" "$seconds" "$repeats" "$warmup_seconds" "$maas_rss_kb" "$nginx_rss_kb" \
  "${connection_counts[@]}" <<'EOF'
import datetime, json, os, sys
out, body, seconds, repeats, warmup, maas_kb, nginx_kb, *connections = sys.argv[1:]
meta = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "commit": os.environ["MAAS_META_COMMIT"],
    "nproc": os.cpu_count(),
    "cpu": os.environ["MAAS_META_CPU"],
    "nginx_version": os.environ["MAAS_META_NGINX"],
    "wrk_version": os.environ["MAAS_META_WRK"],
    "command": "bash scripts/bench/serve.sh  # MAAS_BENCH_SECONDS=%s MAAS_BENCH_REPEATS=%s" % (seconds, repeats),
    "maas_command": os.environ["MAAS_META_MAAS_COMMAND"],
    "body": body,
    "seconds": int(seconds),
    "repeats": int(repeats),
    "warmup_seconds": int(warmup),
    "maas_rss_mb": int(maas_kb) / 1024,
    "nginx_rss_mb": int(nginx_kb) / 1024,
    "connections": [int(c) for c in connections],
    "note": os.environ.get("MAAS_BENCH_NOTE", ""),
}
with open(out, "w", encoding="utf-8") as handle:
    json.dump(meta, handle)
EOF

mkdir -p "$work"
cp "$tmp/results.jsonl" "$work/results.jsonl"
cp "$tmp/meta.json" "$work/meta.json"
report_args=(report "$tmp/results.jsonl" "$tmp/meta.json" "$repo/docs/BENCHMARKS.md")
[[ "$write_doc" == 1 ]] || report_args+=(--no-write)
python3 "$bench_dir/serve_report.py" "${report_args[@]}"
echo "raw results: $work/results.jsonl and $work/meta.json"
