# Sourced by bench/mcp.sh, bench/mcp_profile.sh, bench/emulator.sh and bench/load.sh: what they need to put a bearer-mount
# tools/call load on a mock MCP server. Expects $toolauth, $work (a scratch folder) and the
# array pids (processes to end on exit) to be set.

# wait_for_file FILE [TENTHS]: waits until FILE has content (default 20 s).
wait_for_file() {
  for _ in $(seq "${2:-200}"); do [[ -s $1 ]] && return 0; sleep 0.1; done
  echo "$(basename "$0"): $1 never appeared" >&2
  exit 1
}
# json FILE EXPR: a Python expression over the JSON document d of FILE.
json() { python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

# start_idp: the mock IdP on free ports with its state in $work/state; sets $idp (its URL).
start_idp() {
  "$toolauth" idp --port 0 --mi-port 0 --state-dir "$work/state" --ready-file "$work/idp.json" \
    --log-level warn >/dev/null &
  pids+=($!)
  wait_for_file "$work/idp.json"
  idp=$(json "$work/idp.json" "d['idp']['url']")
}

# fetch_token: a client_credentials token of the foundry client for the MCP API, the audience
# of the default world's bearer mount; sets $token. Needs $idp and $ca.
fetch_token() {
  local client_id secret api tenant
  read -r client_id secret api tenant < <(json "$work/idp.json" "' '.join([[c['client_id'],c['client_secret']] for c in d['world']['clients'] if c['name']=='foundry'][0] + [[r['app_id_uri'] for r in d['world']['resources'] if r['name']=='mcp-api'][0], d['world']['tenants'][0]['id']])")
  token=$(curl -sf --cacert "$ca" "$idp/$tenant/oauth2/v2.0/token" -d grant_type=client_credentials \
    -d "client_id=$client_id" --data-urlencode "client_secret=$secret" \
    --data-urlencode "scope=$api/.default" |
    python3 -c "import json,sys; print(json.load(sys.stdin)['access_token'])")
}

# initialize_session URL [HEADER]: prints the session id.
initialize_session() {
  curl -sf -D "$work/headers" -o /dev/null --cacert "$ca" "$1" -H "content-type: application/json" \
    -H "accept: application/json, text/event-stream" ${2:+-H "$2"} \
    -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
  tr -d '\r' <"$work/headers" | awk -F': ' 'tolower($1)=="mcp-session-id"{print $2}'
}

# start_up: `toolauth up` (all three servers) on free ports with its state in $work/state; sets
# $up_pid, $ca, $idp and $alpha (project alpha's endpoint).
start_up() {
  "$toolauth" up --idp-port 0 --idp-mi-port 0 --mcp-port 0 --emulator-port 0 --no-emulator-http \
    --state-dir "$work/state" --ready-file "$work/ready.json" --log-level warn >/dev/null 2>"$work/up.log" &
  up_pid=$!
  pids+=($up_pid)
  wait_for_file "$work/ready.json"
  ca=$(json "$work/ready.json" "d['ca_file']")
  idp=$(json "$work/ready.json" "d['idp']['url']")
  alpha=$(json "$work/ready.json" "[p['url'] for p in d['world']['projects'] if p['name']=='alpha'][0]")
}

# alice_caller_token: alice's token for the emulator's API (ROPC with the public client
# `caller`, scope https://ai.azure.com/.default); prints it. Needs start_up first.
alice_caller_token() {
  local tenant caller username password
  read -r tenant caller username password < <(json "$work/ready.json" "' '.join([[t['id'] for t in d['world']['tenants'] if t['name']=='contoso'][0], [c['client_id'] for c in d['world']['clients'] if c['name']=='caller'][0]] + [[u['username'], u['password']] for u in d['world']['users'] if u['name']=='alice'][0])")
  curl -sf --cacert "$ca" "$idp/$tenant/oauth2/v2.0/token" -d grant_type=password \
    -d "client_id=$caller" --data-urlencode "username=$username" --data-urlencode "password=$password" \
    --data-urlencode "scope=https://ai.azure.com/.default" |
    python3 -c "import json,sys; print(json.load(sys.stdin)['access_token'])"
}
