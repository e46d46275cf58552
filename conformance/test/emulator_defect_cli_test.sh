#!/usr/bin/env bash
# toolauth emulator --defect (and toolauth up --defect): refused off loopback, an unknown name
# refused, otherwise a stderr banner and the ready line's "defects" name it.
# Usage: emulator_defect_cli_test.sh <path to toolauth>
set -u
toolauth=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$toolauth" emulator --defect skip-state-check --host 0.0.0.0 --port 0 --http-port 0 \
  --state-dir "$work/a" >"$work/refused.out" 2>"$work/refused.err"
[[ $? -eq 2 ]] || fail "a non-loopback host was not refused"
grep -q "loopback" "$work/refused.err" || fail "the refusal does not say why"

"$toolauth" up --defect skip-state-check --host 0.0.0.0 --state-dir "$work/u" \
  >/dev/null 2>"$work/up-refused.err"
[[ $? -eq 2 ]] || fail "toolauth up: a non-loopback host was not refused"
grep -q "loopback" "$work/up-refused.err" || fail "toolauth up: the refusal does not say why"

"$toolauth" emulator --defect accept-everything --port 0 --http-port 0 --state-dir "$work/b" \
  >/dev/null 2>"$work/unknown.err"
[[ $? -eq 2 ]] || fail "an unknown defect was not refused"
grep -q "accept-everything" "$work/unknown.err" || fail "the refusal does not name the defect"

# Waits for a server started in the background to print its ready line, then stops it.
ready_line() {
  local pid=$1 out=$2
  for _ in $(seq 1 200); do
    [[ -s $out ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05  # waiting for a child process to print, not for the clock
  done
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

"$toolauth" emulator --defect skip-state-check --defect no-pkce --port 0 --http-port 0 \
  --state-dir "$work/c" >"$work/ready.out" 2>"$work/ready.err" &
ready_line $! "$work/ready.out"
grep -q '"defects":\["no-pkce","skip-state-check"\]' "$work/ready.out" ||
  fail "the ready line does not name the defects: $(head -c 300 "$work/ready.out")"
grep -q "DELIBERATELY DEFECTIVE (no-pkce, skip-state-check)" "$work/ready.err" ||
  fail "no banner on stderr"

"$toolauth" up --defect token-in-output --emulator-port 0 --emulator-http-port 0 --idp-port 0 \
  --idp-mi-port 0 --mcp-port 0 --state-dir "$work/d" >"$work/up.out" 2>"$work/up.err" &
ready_line $! "$work/up.out"
grep -q '"defects":\["token-in-output"\]' "$work/up.out" ||
  fail "toolauth up: the ready line does not name the defect: $(head -c 300 "$work/up.out")"
grep -q "DELIBERATELY DEFECTIVE (token-in-output)" "$work/up.err" ||
  fail "toolauth up: no banner on stderr"
echo "ok"
