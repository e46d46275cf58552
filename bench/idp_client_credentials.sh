#!/usr/bin/env bash
# The mock IdP under load, next to the physical limit and a peer, in one run:
#   - client_credentials tokens/s for the foundry client (mcp-api/.default) over HTTPS with
#     keep-alive connections (wrk -t1), every answer a freshly signed RS256 token;
#   - the CPU share wrk itself used, and the server's;
#   - `openssl speed -multi 2 rsa2048` sign/s on this machine, just before and just after the
#     load (the better of the two, so a busy moment cannot flatter us); the target is 80% of
#     it, scaled by the CPU share wrk left to the server;
#   - the same load against npm oauth2-mock-server (RS256, HTTPS with the same certificate);
#   - time from exec to a green /_admin/readyz with keys already in the state folder (median of
#     several starts; target < 100 ms), and the resident set size at rest (target < 30 MB).
# Builds build/release first. Not run in CI: the machine is shared, so figures are only
# comparable within one run.
#
# Usage: bench/idp_client_credentials.sh
#   BENCH_SECONDS (10)  BENCH_CONNECTIONS (32)  BENCH_STARTS (9)
# Exits 1 when a target is missed.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-32}
starts=${BENCH_STARTS:-9}
cpus=$(nproc)
ticks=$(getconf CLK_TCK)

for tool in wrk openssl jq curl node npm /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "idp_client_credentials.sh: $tool not found" >&2; exit 2; }
done

echo "building build/release ..." >&2
(cd "$repo" && cmake --preset release >/dev/null &&
  cmake --build --preset release --target toolauth idp_startup >/dev/null)
toolauth=$repo/build/release/cli/toolauth
startup=$repo/build/release/bench/idp_startup

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
uri() { jq -rn --arg v "$1" '$v | @uri'; }

# run_wrk NAME URL BODY: wrk's report in $work/NAME.wrk, its time in $work/NAME.time, and
# "requests/s wrk-share server-cores" on stdout.
run_wrk() {
  local name=$1 url=$2 body=$3 server_pid=$4
  BENCH_BODY=$body wrk -t1 -c"$connections" -d2s -s "$repo/bench/idp_client_credentials.lua" \
    "$url" >/dev/null  # warm-up: connections, caches
  local before after
  before=$(cpu_ticks "$server_pid")
  BENCH_BODY=$body /usr/bin/time -f '%e %U %S' -o "$work/$name.time" \
    wrk -t1 -c"$connections" -d"${seconds}s" --latency \
    -s "$repo/bench/idp_client_credentials.lua" "$url" >"$work/$name.wrk"
  after=$(cpu_ticks "$server_pid")
  if grep -q 'Non-2xx' "$work/$name.wrk"; then
    echo "idp_client_credentials.sh: $name answered errors:" >&2
    cat "$work/$name.wrk" >&2
    exit 1
  fi
  local rate
  rate=$(awk '/^Requests\/sec:/ { print $2 }' "$work/$name.wrk")
  read -r elapsed user system <"$work/$name.time"
  awk -v r="$rate" -v e="$elapsed" -v u="$user" -v s="$system" -v n="$cpus" \
    -v t0="$before" -v t1="$after" -v hz="$ticks" \
    'BEGIN { printf "%s %.4f %.2f\n", r, (u + s) / e / n, (t1 - t0) / hz / e }'
}

# measure_openssl: RSA-2048 sign/s of `openssl speed` on both cores.
measure_openssl() {
  openssl speed -multi 2 -seconds 5 rsa2048 2>/dev/null |
    awk '/^rsa 2048 bits/ { print $(NF - 1) }' | tail -n 1
}

# --- the mock IdP ---------------------------------------------------------------------------
load=$(cut -d' ' -f1-3 /proc/loadavg)
state=$work/state
"$toolauth" idp --port 0 --mi-port 0 --state-dir "$state" --ready-file "$work/ready.json" \
  --log-level warn >"$work/idp.out" 2>"$work/idp.err" &
idp_pid=$!
pids+=("$idp_pid")
for _ in $(seq 100); do [[ -s $work/ready.json ]] && break; sleep 0.1; done
[[ -s $work/ready.json ]] || { echo "the IdP did not start:" >&2; cat "$work/idp.err" >&2; exit 1; }
ready=$work/ready.json
url=$(jq -r .idp.url "$ready")
ca=$(jq -r .ca_file "$ready")
tenant=$(jq -r '.world.tenants[] | select(.name == "contoso") | .id' "$ready")
client_id=$(jq -r '.world.clients[] | select(.name == "foundry") | .client_id' "$ready")
secret=$(jq -r '.world.clients[] | select(.name == "foundry") | .client_secret' "$ready")
scope="$(jq -r '.world.resources[] | select(.name == "mcp-api") | .app_id_uri' "$ready")/.default"
token_url=$url/$tenant/oauth2/v2.0/token
body="grant_type=client_credentials&client_id=$(uri "$client_id")&client_secret=$(uri "$secret")&scope=$(uri "$scope")"
curl -sf --cacert "$ca" -d "$body" "$token_url" | jq -e '.access_token' >/dev/null ||
  { echo "the IdP issued no token" >&2; exit 1; }
rest_rss=$(rss_kb "$idp_pid")

echo "openssl speed -multi 2 -seconds 5 rsa2048 ..." >&2
openssl_before=$(measure_openssl)
echo "mock IdP: wrk -t1 -c$connections -d${seconds}s ..." >&2
read -r idp_rate idp_wrk_share idp_cores < <(run_wrk idp "$token_url" "$body" "$idp_pid")
# Every answer is a new token: count distinct utis over a sample.
distinct=$(for _ in $(seq 20); do
  curl -sf --cacert "$ca" -d "$body" "$token_url" | jq -r '.access_token | split(".")[1] | @base64d | fromjson | .uti'
done | sort -u | wc -l)
loaded_rss=$(rss_kb "$idp_pid")
kill "$idp_pid"
wait "$idp_pid" 2>/dev/null || true

echo "openssl speed -multi 2 -seconds 5 rsa2048 ..." >&2
openssl_after=$(measure_openssl)
[[ -n $openssl_before && -n $openssl_after ]] ||
  { echo "could not read openssl speed's output" >&2; exit 2; }
openssl_sign=$(awk -v a="$openssl_before" -v b="$openssl_after" 'BEGIN { print (a > b) ? a : b }')

# --- npm oauth2-mock-server ---------------------------------------------------------------------
peer_dir=$repo/bench/oauth2-mock-server
if [[ ! -d $peer_dir/node_modules/oauth2-mock-server ]]; then
  echo "npm ci in bench/oauth2-mock-server ..." >&2
  (cd "$peer_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
node "$peer_dir/serve.mjs" "$state/tls/server.pem" "$state/tls/server.key" >"$work/peer.out" \
  2>"$work/peer.err" &
peer_pid=$!
pids+=("$peer_pid")
for _ in $(seq 100); do [[ -s $work/peer.out ]] && break; sleep 0.1; done
peer_url=$(head -n 1 "$work/peer.out")
[[ -n $peer_url ]] || { echo "oauth2-mock-server did not start:" >&2; cat "$work/peer.err" >&2; exit 1; }
peer_body="grant_type=client_credentials&client_id=$(uri "$client_id")&client_secret=$(uri "$secret")&scope=$(uri "$scope")"
curl -sf --cacert "$ca" -d "$peer_body" "$peer_url" | jq -e '.access_token' >/dev/null ||
  { echo "oauth2-mock-server issued no token" >&2; exit 1; }
echo "oauth2-mock-server: wrk -t1 -c$connections -d${seconds}s ..." >&2
read -r peer_rate peer_wrk_share peer_cores < <(run_wrk peer "$peer_url" "$peer_body" "$peer_pid")
kill "$peer_pid"
wait "$peer_pid" 2>/dev/null || true

# --- start-up and memory ------------------------------------------------------------------------
echo "start-up: $starts starts on the state folder ..." >&2
startup_json=$("$startup" "$toolauth" "$state" "$starts")

# --- report -------------------------------------------------------------------------------------
status=0
verdict() {  # value op target
  if awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { exit !((op == ">=") ? v >= t : v < t) }'; then
    echo "PASS ($2 $3)"
  else
    echo "FAIL (not $2 $3)"
    status=1
  fi
}
left=$(awk -v s="$idp_wrk_share" 'BEGIN { printf "%.4f", 1 - s }')
scaled=$(awk -v o="$openssl_sign" -v l="$left" 'BEGIN { printf "%.1f", o * l }')
ratio=$(awk -v r="$idp_rate" -v s="$scaled" 'BEGIN { printf "%.2f", r / s }')
peer_ratio=$(awk -v r="$idp_rate" -v p="$peer_rate" 'BEGIN { printf "%.2f", r / p }')
median_ms=$(jq -r '.median_ms' <<<"$startup_json")
median_rss=$(jq -r '.median_rss_kb' <<<"$startup_json")

echo
echo "== client_credentials over HTTPS, wrk -t1 -c$connections -d${seconds}s, $cpus CPUs," \
  "load average before: $load"
printf '%-44s %10.1f  (wrk used %.1f%% of the machine, the server %.2f cores)\n' \
  "mock IdP tokens/s" "$idp_rate" "$(awk -v s="$idp_wrk_share" 'BEGIN { print s * 100 }')" "$idp_cores"
grep -A4 'Latency Distribution' "$work/idp.wrk" | sed 's/^/    /'
printf '%-44s %10.1f  (before %s, after %s)\n' "openssl speed -multi 2 rsa2048 sign/s" \
  "$openssl_sign" "$openssl_before" "$openssl_after"
printf '%-44s %10.1f  (sign/s x %.3f left by wrk)\n' "  scaled to the CPU left to the server" "$scaled" "$left"
printf '%-44s %10s  %s\n' "mock IdP / scaled openssl" "$ratio" "$(verdict "$ratio" ">=" 0.80)"
printf '%-44s %10.1f  (wrk used %.1f%% of the machine, the server %.2f cores)\n' \
  "oauth2-mock-server tokens/s" "$peer_rate" "$(awk -v s="$peer_wrk_share" 'BEGIN { print s * 100 }')" "$peer_cores"
printf '%-44s %10s\n' "mock IdP / oauth2-mock-server" "$peer_ratio"
printf '%-44s %10s  (of 20 sampled tokens)\n' "distinct uti" "$distinct"
echo "== start-up and memory"
printf '%-44s %10.1f  %s   starts: %s\n' "exec to readyz green, median ms" "$median_ms" \
  "$(verdict "$median_ms" "<" 100)" "$(jq -c '[.starts_ms[] | . * 10 | round / 10]' <<<"$startup_json")"
printf '%-44s %10.1f  %s\n' "RSS at rest after start, MB" "$(awk -v k="$median_rss" 'BEGIN { print k / 1024 }')" \
  "$(verdict "$(awk -v k="$median_rss" 'BEGIN { print k / 1024 }')" "<" 30)"
printf '%-44s %10.1f  (before the load)\n' "RSS of the benchmarked server, MB" "$(awk -v k="$rest_rss" 'BEGIN { print k / 1024 }')"
printf '%-44s %10.1f  (after it: the journal holds the requests)\n' "RSS after the load, MB" "$(awk -v k="$loaded_rss" 'BEGIN { print k / 1024 }')"
[[ $distinct == 20 ]] || { echo "tokens were reused" >&2; status=1; }
exit $status
