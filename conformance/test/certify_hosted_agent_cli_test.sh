#!/usr/bin/env bash
# toolauth certify --profile hosted-agent: --list, --print-setup (the toolbox and the agent,
# the command's file arguments made absolute), the refusals (exit 2) and an agent whose
# container exits at once (exit 1, no hang). The full run against the sample is
# interop.certify_hosted_agent_sample (it needs Node).
# Usage: certify_hosted_agent_cli_test.sh <path to toolauth>
set -u
toolauth=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$toolauth" certify --profile hosted-agent --list >"$work/list.out" || fail "--list failed"
grep -q "^hosted-agent/toolbox/consent-round-trip " "$work/list.out" || fail "--list lacks consent-round-trip"
grep -q "^hosted-agent@1.0.0$" "$work/list.out" || fail "--list lacks the profile stamp"

touch "$work/agent.mjs"
(cd "$work" && "$toolauth" certify --profile hosted-agent --print-setup \
  --agent-command "node agent.mjs --flag") >"$work/setup.json" || fail "--print-setup failed"
python3 - "$work/setup.json" "$work/agent.mjs" <<'PY' || fail "the setup is not as documented"
import json, os, sys
setup = json.load(open(sys.argv[1]))
assert setup["profile"] == "hosted-agent"
labels = [t["server_label"] for t in setup["toolbox"]["version"]["tools"]]
assert labels == ["oauth-invoke", "agent-identity", "api-key"], labels
container = setup["agent"]["definition"]["container_configuration"]
assert container["command"] == "node", container
assert container["args"] == [os.path.realpath(sys.argv[2]), "--flag"] or \
       container["args"] == [sys.argv[2], "--flag"], container
assert setup["agent"]["definition"]["environment_variables"]["TOOLBOX_NAME"] == "hosted-agent-tools"
assert setup["agent"]["metadata"]["toolauth.obo_allowed_scopes"].startswith("api://"), setup["agent"]
PY

"$toolauth" certify --profile hosted-agent --target https://localhost:1 >/dev/null 2>"$work/target.err"
[[ $? -eq 2 ]] || fail "--target was not refused with 2"
grep -q "no --target" "$work/target.err" || fail "the --target refusal does not say why"

"$toolauth" certify --profile hosted-agent --agent-command "" >/dev/null 2>"$work/empty.err"
[[ $? -eq 2 ]] || fail "an empty --agent-command was not refused with 2"

"$toolauth" certify --profile hosted-agent --defect forward-authorization --host 0.0.0.0 \
  >/dev/null 2>"$work/defect.err"
[[ $? -eq 2 ]] || fail "--defect off loopback was not refused with 2"

# A container that exits at once: the run fails (1) before any scenario, it does not hang.
"$toolauth" certify --profile hosted-agent --agent-command "sh -c 'exit 3'" >"$work/exits.out" 2>&1
[[ $? -eq 1 ]] || fail "an agent that exits did not fail the run with 1: $(tail -5 "$work/exits.out")"
grep -q "could not be prepared" "$work/exits.out" || fail "the failed preparation is not reported"
echo "ok"
