#!/usr/bin/env bash
# toolauth certify --profile agent-service --target URL: a Foundry-shaped IUT in another
# process (a `toolauth emulator` trusting this run's mock-idp and mock-mcp: pinned ports and a
# shared state folder, hence a shared CA) is set up and certified through the foundry driver.
# The key group passes; the capabilities of the in-process emulator (restart, clock) are not
# claimed for it. Usage: certify_agent_service_external_test.sh <path to toolauth>
set -u
toolauth=$1
work=$(mktemp -d)
fail() { echo "FAIL: $*"; exit 1; }
read -r idp_port mcp_port emulator_port < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in sockets])')

"$toolauth" emulator --port "$emulator_port" --no-http --state-dir "$work" \
  --idp-url "https://localhost:$idp_port" --mcp-url "https://localhost:$mcp_port" \
  >"$work/emulator.out" 2>"$work/emulator.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 200); do
  [[ -s $work/emulator.out ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05  # waiting for a child process to print, not for the clock
done
[[ -s $work/emulator.out ]] || fail "the emulator did not start: $(head -c 300 "$work/emulator.err")"

"$toolauth" certify --profile agent-service --scenario 'agent-service/key/*' \
  --state-dir "$work" --idp-port "$idp_port" --mcp-port "$mcp_port" \
  --target "https://localhost:$emulator_port" --target-ca-file "$work/tls/ca.pem" \
  --out "$work/reports" >"$work/certify.out" 2>&1
status=$?
[[ $status -eq 0 ]] || fail "certify exited $status: $(tail -20 "$work/certify.out")"
grep -q "4 scenarios: 4 passed" "$work/certify.out" || fail "not 4 passed: $(tail -5 "$work/certify.out")"
python3 - "$work/reports/report.json" <<'PY' || fail "the report does not describe the external IUT"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["target"]["driver"]["name"] == "foundry"
assert "restart" not in report["capabilities"] and "clock" not in report["capabilities"]
PY
echo "ok"
