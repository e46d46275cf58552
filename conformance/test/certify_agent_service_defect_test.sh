#!/usr/bin/env bash
# toolauth certify --profile agent-service --defect: the built-in reference emulator runs as the
# mutant (the scenario meant to catch it fails, the run exits 1, the banner, console summary and
# report name it); refused (exit 2) off loopback, for an unknown name, and with --target.
# Usage: certify_agent_service_defect_test.sh <path to toolauth>
set -u
toolauth=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$toolauth" certify --profile agent-service --defect skip-state-check --host 0.0.0.0 \
  >/dev/null 2>"$work/host.err"
[[ $? -eq 2 ]] || fail "a non-loopback host was not refused"
grep -q "loopback" "$work/host.err" || fail "the refusal does not say why"

"$toolauth" certify --profile agent-service --defect accept-everything >/dev/null 2>"$work/unknown.err"
[[ $? -eq 2 ]] || fail "an unknown defect was not refused"
grep -q "accept-everything" "$work/unknown.err" || fail "the refusal does not name the defect"

"$toolauth" certify --profile agent-service --defect skip-state-check \
  --target https://localhost:1 >/dev/null 2>"$work/target.err"
[[ $? -eq 2 ]] || fail "--defect with --target was not refused"
"$toolauth" certify --profile mcp-server --target mock:bearer --defect skip-state-check \
  >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "--defect with the mcp-server profile was not refused"

"$toolauth" certify --profile agent-service --defect skip-state-check \
  --scenario 'agent-service/oauth/state-tampering,agent-service/oauth/first-use-consent' \
  --out "$work/reports" >"$work/run.out" 2>"$work/run.err"
[[ $? -eq 1 ]] || fail "the mutant's run did not fail with 1: $(tail -5 "$work/run.out")"
grep -q "DELIBERATELY DEFECTIVE (skip-state-check)" "$work/run.err" || fail "no banner on stderr"
grep -q "DEFECTS announced by the target: skip-state-check" "$work/run.out" ||
  fail "the summary does not name the defect"
python3 - "$work/reports/report.json" <<'PY' || fail "the report is not as expected"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["defects"] == ["skip-state-check"], report["defects"]
verdicts = {s["id"]: s["verdict"] for s in report["scenarios"]}
assert verdicts == {"agent-service/oauth/state-tampering": "failed",
                    "agent-service/oauth/first-use-consent": "passed"}, verdicts
PY
echo "ok"
