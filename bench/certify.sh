#!/usr/bin/env bash
# Wall time of the whole agent-service profile: `toolauth certify --profile agent-service`
# against the built-in reference emulator (mock-idp, mock-mcp and the emulator in one process on
# one shared clock; no sleeps). Prints the wall time and how many scenarios ran; issue 6's target
# is under 10 s on 2 cores. Extra arguments go to certify (e.g. --defect NAME, --scenario GLOB).
#
# Usage: bench/certify.sh [path/to/toolauth] [certify options...]
#   (default build/release/cli/toolauth, else build/dev/cli/toolauth)
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
toolauth=${1:-}
[[ $# -gt 0 ]] && shift
if [[ -z $toolauth ]]; then
  toolauth=$repo/build/release/cli/toolauth
  [[ -x $toolauth ]] || toolauth=$repo/build/dev/cli/toolauth
fi
[[ -x $toolauth ]] || { echo "certify.sh: build it first: cmake --build --preset release --target toolauth" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s.%N)
"$toolauth" certify --profile agent-service --out "$work/reports" "$@" >"$work/out.txt" 2>&1
code=$?
end=$(date +%s.%N)
python3 - "$work/reports/report.json" "$start" "$end" "$code" "$toolauth" <<'PY'
import json, sys
report_file, start, end, code, toolauth = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
try:
    report = json.load(open(report_file))
except OSError:
    sys.exit(f"certify.sh: no report (certify exited {code})")
scenarios = report["scenarios"]
failed = sum(1 for s in scenarios if s["verdict"] == "failed")
print(f"{toolauth} certify --profile agent-service: {len(scenarios)} scenarios "
      f"({failed} failed, exit {code}) in {end - start:.2f} s wall")
PY
