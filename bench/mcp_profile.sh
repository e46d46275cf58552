#!/usr/bin/env bash
# Instructions per tools/call `echo` of the mock MCP server, measured with callgrind: the same
# request as bench/mcp.sh (bearer mount, HTTPS, keep-alive, one session, 32 connections), but
# counted in instructions, which a loaded shared machine does not disturb the way it disturbs
# wall-clock rates. Counters are zeroed after a warm-up (start-up, TLS handshakes and the JWKS
# fetch are not counted) and dumped after the measured run; Ir / completed calls is printed.
#
# Usage: bench/mcp_profile.sh [path/to/toolauth]   (default build/release/cli/toolauth)
#   PROFILE_SECONDS=N   duration of the measured wrk run (default 20)
#   PROFILE_OUT=FILE    keep the callgrind dump there (default: a temporary file)
# Needs wrk and valgrind (Debian packages).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
toolauth=${1:-$repo/build/release/cli/toolauth}
seconds=${PROFILE_SECONDS:-20}
[[ -x $toolauth ]] || { echo "mcp_profile.sh: build it first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }
for tool in wrk valgrind callgrind_control; do
  command -v $tool >/dev/null || { echo "mcp_profile.sh: $tool is missing" >&2; exit 2; }
done

work=$(mktemp -d)
out=${PROFILE_OUT:-$work/callgrind.out}
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

source "$repo/bench/mcp_setup.sh"
start_idp
valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=yes \
  "$toolauth" mcp --port 0 --state-dir "$work/state" --idp-url "$idp" --ready-file "$work/mcp.json" \
  --log-level warn >/dev/null 2>"$work/valgrind.log" &
mcp_pid=$!
pids+=($mcp_pid)
wait_for_file "$work/mcp.json" 1200  # start-up under valgrind is slow
ca=$work/state/tls/ca.pem
mount=$(json "$work/mcp.json" "[m['url'] for m in d['world']['mounts'] if m['name']=='bearer'][0]")
fetch_token
session=$(initialize_session "$mount" "authorization: Bearer $token")

run_wrk() { TOKEN=$token SESSION=$session wrk -t1 -c32 -d"$1s" -s "$repo/bench/mcp/tools_call.lua" "$mount"; }
run_wrk 5 >/dev/null 2>&1 || true  # warm-up: handshakes, JWKS, token cache, allocator
callgrind_control -z "$mcp_pid" >/dev/null
measured=$(run_wrk "$seconds")
callgrind_control -d "$mcp_pid" >/dev/null
calls=$(awk '/requests in/{print $1}' <<<"$measured")
errors=$(awk '/Non-2xx|Socket errors/{print}' <<<"$measured")
sleep 1
dump=$(ls -t "$out"* | sed -n 1p)
ir=$(awk '/^summary:/{print $2}' "$dump")
# The measured wrk run opens its 32 connections anew: their TLS handshakes are counted apart.
handshakes=$(callgrind_annotate --inclusive=yes --auto=no --threshold=100 "$dump" 2>/dev/null |
  awk '/:SSL_do_handshake /&&!n{gsub(",", "", $1); print $1; n=1}')
[[ -n $errors ]] && echo "mcp_profile.sh: $errors" >&2
python3 - "$calls" "$ir" "${handshakes:-0}" <<'PY'
import sys
calls, ir, handshakes = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
print(f"tools/call echo under callgrind: {calls} calls, {ir} Ir in all, {handshakes} Ir in the "
      f"32 TLS handshakes of the run")
print(f"Ir per call: {ir / calls:.0f} in all, {(ir - handshakes) / calls:.0f} without the handshakes")
PY
if [[ -n ${PROFILE_OUT:-} ]]; then cp "$dump" "$PROFILE_OUT.measured"; echo "dump: $PROFILE_OUT.measured"; fi
