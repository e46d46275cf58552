#!/usr/bin/env bash
# Load (issue 8): each server of `toolauth up` holds 500 concurrent keep-alive HTTPS connections
# for at least 1 million requests with zero errors and a flat RSS.
#   mock-idp  GET the OpenID discovery document of the tenant
#   mock-mcp  POST tools/call echo with a bearer token on one session (bench/mcp/tools_call.lua)
#   emulator  GET the project's connections with a caller bearer token (verified every request)
# wrk runs in rounds of BENCH_SECONDS (500 connections each, 2 threads) until the server has
# served LOAD_REQUESTS; the process RSS is read after every round, once the round's connections
# are closed. "Flat" means the RSS after the last round is within 10% (plus 8 MB) of the RSS
# once a tenth of the requests were served (by then the bounded journals, 20,000 entries each,
# are full). A request slower than 30 s
# counts as an error (wrk's timeout); on a busy machine the 500 TLS handshakes of a round are slow.
#
# Usage: bench/load.sh [path/to/toolauth]   (default build/release/cli/toolauth)
#   LOAD_REQUESTS=N (default 1000000)  BENCH_SECONDS=N (default 10)  LOAD_CONNECTIONS=N (500)
#   LOAD_SERVERS="mock-idp mock-mcp emulator" (the default: all three, in this order)
# Needs wrk, curl and python3. Exits non-zero when a server has an error or a growing RSS.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
toolauth=${1:-$repo/build/release/cli/toolauth}
seconds=${BENCH_SECONDS:-10}
wanted=${LOAD_REQUESTS:-1000000}
connections=${LOAD_CONNECTIONS:-500}
servers=" ${LOAD_SERVERS:-mock-idp mock-mcp emulator} "
[[ -x $toolauth ]] || { echo "load.sh: build it first: cmake --preset release && cmake --build --preset release --target toolauth" >&2; exit 2; }
command -v wrk >/dev/null || { echo "load.sh: wrk is missing (apt-get install wrk)" >&2; exit 2; }
# Every connection is a file descriptor in wrk and in the server.
ulimit -n "$(( connections * 4 > 4096 ? connections * 4 : 4096 ))" 2>/dev/null || true

work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
source "$repo/bench/mcp_setup.sh"  # start_up, alice_caller_token, json, initialize_session

start_up
mount=$(json "$work/ready.json" "[m['url'] for m in d['world']['mounts'] if m['name']=='bearer'][0]")
caller_token=$(alice_caller_token)
tenant=$(json "$work/ready.json" "[t['id'] for t in d['world']['tenants'] if t['name']=='contoso'][0]")
cp "$work/ready.json" "$work/idp.json"  # fetch_token reads the world from idp.json
fetch_token
session=$(initialize_session "$mount" "authorization: Bearer $token")

rss_mb() { awk '/VmRSS/{printf "%d", $2 / 1024}' "/proc/$up_pid/status"; }
# Established TCP connections whose local port is PORT (from /proc: no extra tool needed).
established_on() {
  awk -v port="$(printf '%04X' "$1")" \
    '$4 == "01" && substr($2, index($2, ":") + 1) == port' /proc/net/tcp /proc/net/tcp6 | wc -l
}
# settled_rss_mb PORT: the RSS once the server has closed the round's connections (the last one
# to close gives their buffers back to the system): no connection left on PORT (within 10 s),
# then two reads 0.2 s apart that agree (within 3 s).
settled_rss_mb() {
  local before now
  for _ in $(seq 100); do (($(established_on "$1") == 0)) && break; sleep 0.1; done
  now=$(rss_mb)
  for _ in $(seq 15); do
    sleep 0.2
    before=$now
    now=$(rss_mb)
    ((now == before)) && break
  done
  echo "$now"
}
failed=0

# load NAME URL SCRIPT TOKEN: rounds of wrk until $wanted requests; prints one summary line.
load() {
  local name=$1 url=$2 script=$3 bearer=$4 total=0 errors=0 round=0 first_rss= last_rss= out
  local port=${url#https://*:}
  port=${port%%/*}
  local started=$SECONDS
  while (( total < wanted )); do
    out=$(TOKEN=$bearer SESSION=$session wrk -t2 -c"$connections" -d"${seconds}s" --timeout 30s -s "$script" "$url" 2>&1)
    round=$((round + 1))
    total=$((total + $(awk '/requests in/{print $1}' <<<"$out")))
    errors=$((errors + $(awk '/Socket errors/{gsub(",", ""); s=$4+$6+$8+$10} /Non-2xx/{s+=$5} END{print s+0}' <<<"$out")))
    last_rss=$(settled_rss_mb "$port")
    if [[ -z $first_rss ]] && (( total * 10 >= wanted )); then first_rss=$last_rss; fi
    if grep -q 'Socket errors\|Non-2xx\|unexpected' <<<"$out"; then
      grep 'Socket errors\|Non-2xx\|unexpected' <<<"$out" | sort | uniq -c | head -5 | sed "s/^/$name: /" >&2
    fi
    if (( round > 200 )); then echo "load.sh: $name: 200 rounds and still short of $wanted requests" >&2; break; fi
  done
  local flat=yes
  (( last_rss * 10 <= first_rss * 11 + 80 )) || flat=no
  printf '%-10s %10d %8d %7d %9.0f %8d %8d %5s\n' "$name" "$total" "$errors" "$round" \
    "$(python3 -c "print($total / max(1, $SECONDS - $started))")" "$first_rss" "$last_rss" "$flat"
  if (( errors > 0 )) || [[ $flat == no ]] || (( total < wanted )); then failed=1; fi
}

printf '\n%s keep-alive connections, rounds of %s s, until %s requests per server\n' "$connections" "$seconds" "$wanted"
printf '%-10s %10s %8s %7s %9s %8s %8s %5s\n' server requests errors rounds "req/s" "RSS1 MB" "RSS MB" flat
if [[ $servers == *" mock-idp "* ]]; then
  load mock-idp "$idp/$tenant/v2.0/.well-known/openid-configuration" "$repo/bench/load/get_with_bearer.lua" ""
fi
if [[ $servers == *" mock-mcp "* ]]; then
  load mock-mcp "$mount" "$repo/bench/mcp/tools_call.lua" "$token"
fi
if [[ $servers == *" emulator "* ]]; then
  load emulator "$alpha/connections?api-version=v1" "$repo/bench/load/get_with_bearer.lua" "$caller_token"
fi
curl -sf --cacert "$ca" "$idp/_admin/healthz" >/dev/null || { echo "load.sh: mock-idp is not healthy afterwards" >&2; failed=1; }
exit $failed
