#!/usr/bin/env bash
# RS256/ES256 throughput of libs/jose next to `openssl speed` measured in the same run.
# Builds nothing: pass the jose_bench binary, or build the default one first with
#   cmake --preset release && cmake --build build/release --target jose_bench
#
# Usage: bench/jose.sh [path/to/jose_bench]
#   JOSE_BENCH_ROUNDS=N  rounds of (jose_bench, openssl speed), default 3. The machine may be
#                        shared, so each figure is the best of its rounds, for both sides alike.
# Prints a table and exits 1 if our RS256 sign rate is below 90% of OpenSSL's RSA-2048 sign.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=${1:-$repo/build/release/bench/jose_bench}
rounds=${JOSE_BENCH_ROUNDS:-3}
target_ratio=0.90

if [[ ! -x $bench ]]; then
  echo "jose.sh: no benchmark binary at $bench" >&2
  echo "build it: cmake --preset release && cmake --build build/release --target jose_bench" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "jose.sh: openssl not found" >&2; exit 2; }

ours_runs=""
openssl_runs=""
for ((round = 1; round <= rounds; ++round)); do
  echo "round $round/$rounds: $bench (2 s per operation)..." >&2
  ours_json=$("$bench")
  echo "$ours_json"
  ours_runs+="$ours_json"$'\n'
  echo "round $round/$rounds: openssl speed -seconds 3 rsa2048 ecdsap256 (single process)..." >&2
  openssl_runs+="$(openssl speed -seconds 3 rsa2048 ecdsap256 2>/dev/null)"$'\n'
done
echo

# Best ops/s of one of our results over all rounds (the JSON has one result per line).
ours() {
  awk -v name="\"$1\"" '
    $0 ~ "\"name\": " name {
      for (i = 1; i <= NF; ++i) if ($i == "\"ops_per_sec\":") { v = $(i + 1); gsub(/[},]/, "", v); if (v + 0 > best) best = v + 0 }
    }
    END { printf "%.1f", best }' <<<"$ours_runs"
}
# Best sign/s or verify/s of openssl speed, from the last two columns of its summary lines:
#   rsa 2048 bits 0.000684s 0.000020s   1462.0  49680.9
#    256 bits ecdsa (nistp256)   0.0000s   0.0001s  40224.6  13171.2
theirs() {  # pattern column-from-end (1 = sign, 0 = verify)
  awk -v pattern="$1" -v back="$2" '
    $0 ~ pattern { v = $(NF - back); if (v + 0 > best) best = v + 0; found = 1 }
    END { if (found) printf "%.1f", best }' <<<"$openssl_runs"
}
openssl_rsa_sign=$(theirs '^rsa 2048 bits' 1)
openssl_rsa_verify=$(theirs '^rsa 2048 bits' 0)
openssl_ec_sign=$(theirs 'ecdsa \\(nistp256\\)' 1)
openssl_ec_verify=$(theirs 'ecdsa \\(nistp256\\)' 0)
if [[ -z $openssl_rsa_sign || -z $openssl_ec_sign ]]; then
  echo "jose.sh: could not parse openssl speed output:" >&2
  echo "$openssl_runs" >&2
  exit 2
fi

status=0
printf '%-32s %11s %11s %6s  %s\n' operation ours/s openssl/s ratio target
row() {  # result-name label openssl-rate [target-ratio]
  local value ratio verdict=""
  value=$(ours "$1")
  ratio=$(awk -v a="$value" -v b="$3" 'BEGIN { printf "%.2f", a / b }')
  if [[ -n ${4:-} ]]; then
    if awk -v a="$value" -v b="$3" -v t="$4" 'BEGIN { exit !(a / b >= t) }'; then
      verdict="PASS (>= $4)"
    else
      verdict="FAIL (< $4)"
      status=1
    fi
  fi
  printf '%-32s %11.1f %11.1f %6s  %s\n' "$2" "$value" "$3" "$ratio" "$verdict"
}
row rs256_sign "RS256 sign (whole JWT)" "$openssl_rsa_sign" "$target_ratio"
row rs256_sign_signature "RS256 sign (signature only)" "$openssl_rsa_sign"
row rs256_verify "RS256 verify (signature)" "$openssl_rsa_verify"
row rs256_verify_jwt "RS256 verify (all JWT checks)" "$openssl_rsa_verify"
row es256_sign "ES256 sign (whole JWT)" "$openssl_ec_sign"
row es256_sign_signature "ES256 sign (signature only)" "$openssl_ec_sign"
row es256_verify "ES256 verify (signature)" "$openssl_ec_verify"
row es256_verify_jwt "ES256 verify (all JWT checks)" "$openssl_ec_verify"
echo "(best of $rounds rounds each; openssl figures are raw sign/verify of a digest)"
exit $status
