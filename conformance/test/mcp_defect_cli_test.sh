#!/usr/bin/env bash
# toolauth mcp --defect: refused off loopback, otherwise a stderr banner and the ready line's
# "defects" name it. Usage: mcp_defect_cli_test.sh <path to toolauth>
set -u
toolauth=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$toolauth" mcp --defect accept-expired --host 0.0.0.0 --port 0 --state-dir "$work/a" \
  >"$work/refused.out" 2>"$work/refused.err"
[[ $? -eq 2 ]] || fail "a non-loopback host was not refused"
grep -q "loopback" "$work/refused.err" || fail "the refusal does not say why"

"$toolauth" mcp --defect accept-everything --port 0 --state-dir "$work/b" >/dev/null 2>"$work/unknown.err"
[[ $? -eq 2 ]] || fail "an unknown defect was not refused"

"$toolauth" mcp --defect accept-expired --defect no-challenge --port 0 --state-dir "$work/c" \
  >"$work/ready.out" 2>"$work/ready.err" &
pid=$!
for _ in $(seq 1 200); do
  [[ -s $work/ready.out ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05  # waiting for a child process to print, not for the clock
done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
grep -q '"defects":\["accept-expired","no-challenge"\]' "$work/ready.out" ||
  fail "the ready line does not name the defects: $(head -c 300 "$work/ready.out")"
grep -q "DELIBERATELY DEFECTIVE (accept-expired, no-challenge)" "$work/ready.err" ||
  fail "no banner on stderr"
echo "ok"
