#!/usr/bin/env bash
# Responses API calls/s through the emulator to a mock-mcp key mount (the api-key agent:
# CustomKeys, a static credential, so no token is fetched during the run), and the latency the
# emulator adds over calling mock-mcp directly, in the same run of `toolauth up`:
#   - throughput: 32 keep-alive HTTPS connections, non-streaming POST /openai/v1/responses
#     with tool_choice whoami, next to tools/call whoami straight to the same mount;
#   - added latency: one connection (no queueing), p50/p99 of the same two requests; the
#     difference is what the emulator adds. Each response runs a whole MCP session against
#     mock-mcp (initialize, notifications/initialized, tools/list, tools/call, DELETE: five
#     requests, as the emulator lists the tools once per chain of responses), the direct call
#     is one tools/call on an open session.
#
# Usage: bench/emulator.sh [path/to/toolauth]   (default build/release/cli/toolauth)
#   BENCH_SECONDS=N   duration of each wrk run (default 10)
# Build the release binary with: cmake --preset release && cmake --build --preset release --target toolauth
# A dev build (build/dev/cli/toolauth) works too; label its figures as such.
# Needs wrk (Debian package), curl and python3.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
toolauth=${1:-$repo/build/release/cli/toolauth}
seconds=${BENCH_SECONDS:-10}
[[ -x $toolauth ]] || { echo "emulator.sh: build it first: cmake --preset release && cmake --build --preset release --target toolauth" >&2; exit 2; }
command -v wrk >/dev/null || { echo "emulator.sh: wrk is missing (apt-get install wrk)" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
source "$repo/bench/mcp_setup.sh"  # start_up, alice_caller_token, json, initialize_session

start_up
read -r mount header key < <(json "$work/ready.json" "' '.join([[m['url'], m['header'], m['key']] for m in d['world']['mounts'] if m['name']=='api-key'][0])")
token=$(alice_caller_token)
body='{"agent":{"type":"agent_reference","name":"api-key-agent"},"input":"whoami","tool_choice":{"type":"mcp","server_label":"api-key","name":"whoami"}}'
# One call by hand first: it must complete with the key mount's whoami.
curl -sf --cacert "$ca" "$alpha/openai/v1/responses" -H "authorization: Bearer $token" \
  -H "content-type: application/json" -d "$body" | grep -q '"status":"completed"' ||
  { echo "emulator.sh: the Responses call did not complete" >&2; exit 1; }
session=$(initialize_session "$mount" "$header: $key")

# emulator|direct CONNECTIONS: wrk output with latency (a warm-up run first, as long).
run_wrk() {
  local url script
  if [[ $1 == emulator ]]; then url=$alpha/openai/v1/responses script=responses.lua
  else url=$mount script=tools_call.lua; fi
  TOKEN=$token BODY=$body HEADER=$header KEY=$key SESSION=$session \
    wrk -t1 -c"$2" -d"${seconds}s" --latency -s "$repo/bench/emulator/$script" "$url"
}
measure() { run_wrk "$@" >/dev/null 2>&1 || true; run_wrk "$@"; }
rate() { awk '/Requests\/sec/{print $2}' <<<"$1"; }
percentile() { awk -v p="$2" '$1==p{print $2}' <<<"$1"; }
errors() { awk '/Non-2xx|Socket errors|unexpected/{print}' <<<"$1"; }
to_ms() { python3 -c "import sys; v=sys.argv[1]; u=v.lstrip('0123456789.'); n=float(v[:len(v)-len(u)]); print(n*{'us':0.001,'ms':1,'s':1000}[u])" "$1"; }

emulator32=$(measure emulator 32 2>&1)
direct32=$(measure direct 32 2>&1)
emulator1=$(measure emulator 1 2>&1)
direct1=$(measure direct 1 2>&1)
rss_kb=$(awk '/VmRSS/{print $2}' /proc/$up_pid/status)

printf '\n%-58s %10s %10s %10s\n' "${seconds} s per run, keep-alive HTTPS" "calls/s" "p50" "p99"
row() { printf '%-58s %10s %10s %10s\n' "$1" "$(rate "$2")" "$(percentile "$2" 50%)" "$(percentile "$2" 99%)"; }
row "emulator Responses -> api-key mount, 32 connections" "$emulator32"
row "direct tools/call -> api-key mount, 32 connections" "$direct32"
row "emulator Responses -> api-key mount, 1 connection" "$emulator1"
row "direct tools/call -> api-key mount, 1 connection" "$direct1"
for run in "$emulator32" "$direct32" "$emulator1" "$direct1"; do errors "$run" || true; done
for p in 50% 99%; do
  added=$(python3 -c "import sys; print(f'{float(sys.argv[1]) - float(sys.argv[2]):.2f}')" \
    "$(to_ms "$(percentile "$emulator1" $p)")" "$(to_ms "$(percentile "$direct1" $p)")")
  printf 'added by the emulator at p%s (1 connection): %s ms\n' "${p%\%}" "$added"
done
printf 'toolauth up RSS after the runs: %d MB\n' $((rss_kb / 1024))
