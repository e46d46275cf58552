#!/usr/bin/env bash
# toolauth certify --profile agent-service: --list, --print-setup (live URLs, no password or
# caller secret on stdout), a failing run's exit status, and the refusals (exit 2).
# Usage: certify_agent_service_cli_test.sh <path to toolauth>
set -u
toolauth=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$toolauth" certify --profile agent-service --list >"$work/list.out" || fail "--list failed"
grep -q "^agent-service/key/header-sent " "$work/list.out" || fail "--list lacks key/header-sent"
grep -q "^agent-service@1.1.0$" "$work/list.out" || fail "--list lacks the profile stamp"

"$toolauth" certify --profile agent-service --print-setup >"$work/setup.json" ||
  fail "--print-setup failed"
python3 - "$work/setup.json" <<'PY' || fail "the setup document is not as agreed"
import json, sys
setup = json.load(open(sys.argv[1]))
names = {(c["project"], c["name"]) for c in setup["connections"]}
for want in [("alpha", "api-key"), ("alpha", "functions-key"), ("alpha", "open"),
             ("alpha", "project-mi"), ("alpha", "agent-identity"), ("alpha", "oauth-invoke"),
             ("alpha", "oauth-read"), ("beta", "oauth-invoke"), ("alpha", "user-entra")]:
    assert want in names, want
assert setup["connections"][0]["target"].startswith("https://localhost:"), "no live URL"
assert all("password" not in u for u in setup["world"]["users"]), "a password on stdout"
assert all("client_secret" not in c for c in setup["world"]["clients"] if c["name"] != "connector")
PY
grep -q -- "-Passw0rd" "$work/setup.json" && fail "a fixture password reached stdout"

"$toolauth" certify --profile agent-service --driver exec >/dev/null 2>"$work/exec.err"
[[ $? -eq 2 ]] || fail "the exec driver without --target was not refused with 2"
grep -q "needs --target" "$work/exec.err" || fail "the exec refusal does not say why"

"$toolauth" certify --profile agent-service --driver exec --target "toolauth-no-such-adapter x" \
  >/dev/null 2>"$work/exec-missing.err"
[[ $? -eq 2 ]] || fail "a missing exec adapter was not refused with 2"
grep -q "could not start" "$work/exec-missing.err" || fail "the missing adapter is not named"

# An adapter that exits at once: the run fails (1) with its exit status, it does not hang.
"$toolauth" certify --profile agent-service --driver exec --target "sh -c 'exit 7'" \
  >"$work/exec-exits.out" 2>&1
[[ $? -eq 1 ]] || fail "an adapter that exits did not fail the run with 1"
grep -q "status 7" "$work/exec-exits.out" || fail "the adapter's exit status is not reported"

"$toolauth" certify --profile agent-service --target not-a-url >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "a target that is no URL was not refused with 2"

# An IUT that is not there: the run fails (1), it does not crash.
"$toolauth" certify --profile agent-service --target https://localhost:1 >"$work/gone.out" 2>&1
[[ $? -eq 1 ]] || fail "an unreachable IUT did not fail the run with 1: $(tail -5 "$work/gone.out")"
echo "ok"
