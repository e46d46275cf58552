#!/usr/bin/env bash
# tools/call `echo` throughput of the mock MCP server over keep-alive HTTPS with a valid bearer
# token (32 connections, one session), its p50/p99 latency and RSS, next to the same load on
# @modelcontextprotocol/server-everything (streamableHttp mode) in the same run.
#
# Usage: bench/mcp.sh [path/to/toolauth]   (default build/release/cli/toolauth)
#   BENCH_SECONDS=N   duration of each wrk run (default 10)
# Needs wrk (Debian package) and tests/interop/node_modules (ci/setup).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
toolauth=${1:-$repo/build/release/cli/toolauth}
seconds=${BENCH_SECONDS:-10}
target=20000
[[ -x $toolauth ]] || { echo "mcp.sh: build it first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }
command -v wrk >/dev/null || { echo "mcp.sh: wrk is missing (apt-get install wrk)" >&2; exit 2; }
source "$repo/ci/env"

work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

source "$repo/bench/mcp_setup.sh"
start_idp
"$toolauth" mcp --port 0 --state-dir "$work/state" --idp-url "$idp" --ready-file "$work/mcp.json" --log-level warn >/dev/null &
mcp_pid=$!
pids+=($mcp_pid)
wait_for_file "$work/mcp.json"
ca=$work/state/tls/ca.pem
mount=$(json "$work/mcp.json" "[m['url'] for m in d['world']['mounts'] if m['name']=='bearer'][0]")
fetch_token

# run_wrk URL TOKEN SESSION: wrk output with latency.
run_wrk() {
  TOKEN=$2 SESSION=$3 wrk -t1 -c32 -d"${seconds}s" --latency -s "$repo/bench/mcp/tools_call.lua" "$1"
}
rate() { awk '/Requests\/sec/{print $2}' <<<"$1"; }
percentile() { awk -v p="$2" '$1==p{print $2}' <<<"$1"; }
errors() { awk '/Non-2xx|Socket errors/{print}' <<<"$1"; }

session=$(initialize_session "$mount" "authorization: Bearer $token")
run_wrk "$mount" "$token" "$session" >/dev/null 2>&1 || true  # warm-up, as long as the measured run
ours=$(run_wrk "$mount" "$token" "$session")
rss_kb=$(awk '/VmRSS/{print $2}' /proc/$mcp_pid/status)

# The reference server on the same machine; its answers are SSE, ours JSON (echo does not stream).
everything=$repo/tests/interop/node_modules/@modelcontextprotocol/server-everything/dist/index.js
port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
PORT=$port node "$everything" streamableHttp >"$work/everything.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do grep -q listening "$work/everything.log" && break; sleep 0.05; done
ref_session=$(initialize_session "http://127.0.0.1:$port/mcp")
run_wrk "http://127.0.0.1:$port/mcp" "unused" "$ref_session" >/dev/null 2>&1 || true
theirs=$(run_wrk "http://127.0.0.1:$port/mcp" "unused" "$ref_session")

ours_rate=$(rate "$ours")
theirs_rate=$(rate "$theirs")
printf '\n%-44s %12s %10s %10s\n' "server (32 keep-alive connections, ${seconds} s)" "calls/s" "p50" "p99"
printf '%-44s %12s %10s %10s\n' "toolauth mcp, bearer mount, HTTPS, JSON" "$ours_rate" "$(percentile "$ours" 50%)" "$(percentile "$ours" 99%)"
printf '%-44s %12s %10s %10s\n' "server-everything, no auth, HTTP, SSE" "$theirs_rate" "$(percentile "$theirs" 50%)" "$(percentile "$theirs" 99%)"
errors "$ours" || true
printf 'toolauth mcp RSS after the run: %d MB\n' $((rss_kb / 1024))
python3 - "$ours_rate" "$theirs_rate" "$target" <<'PY'
import sys
ours, theirs, target = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"ratio to server-everything: {ours / theirs:.1f}x (target >= 10x)  {'PASS' if ours >= 10 * theirs else 'FAIL'}")
print(f"calls/s target {target:.0f}: {'PASS' if ours >= target else 'FAIL'}")
PY
