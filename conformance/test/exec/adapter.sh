#!/bin/sh
# A scripted exec-protocol adapter for exec_driver_test.cc: `adapter.sh MODE`, one behaviour
# per mode, each exercising one branch of the driver. Requests are matched by their op and
# tool; the driver writes compact JSON (nlohmann's dump), so simple patterns suffice.
#   good       hello, setup (requests are echoed to stderr, secrets and all), invoke: whoami
#              -> consent, then result on continue; guarded -> approval, then on continue a
#              result if approved, else an error with status 403; fail -> error; fail-500 ->
#              error with status 500; bad-status -> error with a status that is no number;
#              mcp-json -> a CallToolResult of JSON text in two parts; mcp-error -> one with
#              isError;
#              another tool -> unsupported; restart, reconfigure and forget (echoed to
#              stderr; unsupported in every other mode); bye exits
#   malformed  invoke -> a line that is not JSON
#   wrong-id   invoke -> an answer for another id
#   late       the first invoke is answered only when the second arrives (after its timeout)
#   reverse    invokes are held until the third arrives, then answered last first
#   silent     never answers
#   crash      invoke -> a line on stderr, then exit 3
#   refuse     setup -> {"ok":false,...}
#   ignore-bye bye -> keeps running until terminated
#   deaf       never reads its stdin
mode=$1
[ "$mode" = deaf ] && exec sleep 600

answer() { printf '%s\n' "$1"; }
id_of() { printf '%s' "$1" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p'; }

pending=
while IFS= read -r line; do
  case $mode in silent) continue ;; esac
  case $line in
  *'"op":"hello"'*)
    answer '{"ok":true,"capabilities":["restart","clock"],"implementation":{"name":"adapter.sh","mode":"'"$mode"'"}}'
    ;;
  *'"op":"setup"'*)
    printf 'setup request: %s\n' "$line" >&2
    case $mode in
    refuse) answer '{"ok":false,"error":"no such mount"}' ;;
    *) answer '{"ok":true,"redirect_uris":["http://127.0.0.1:9/callback"]}' ;;
    esac
    ;;
  *'"op":"invoke"'*)
    id=$(id_of "$line")
    printf 'invoke request: %s\n' "$line" >&2
    case $mode in
    malformed) answer 'this is not json' ;;
    wrong-id) answer '{"id":"someone-else","result":{}}' ;;
    crash)
      echo "boom: the adapter crashed" >&2
      exit 3
      ;;
    reverse)
      pending="$id $pending"
      if [ "$(echo $pending | wc -w)" -eq 3 ]; then
        for held in $pending; do answer '{"id":"'"$held"'","result":{"answering":"'"$held"'"}}'; done
        pending=
      fi
      ;;
    late)
      if [ -z "$pending" ]; then
        pending=$id
      else
        answer '{"id":"'"$pending"'","result":{"late":true}}'
        answer '{"id":"'"$id"'","result":{"on_time":true}}'
      fi
      ;;
    *)
      case $line in
      *'"tool":"whoami"'*'"continue"'* | *'"continue"'*'"tool":"whoami"'*)
        answer '{"id":"'"$id"'","result":{"oid":"user-oid","continued":true}}' ;;
      *'"tool":"whoami"'*) answer '{"id":"'"$id"'","consent":{"link":"https://iut.example/consent/'"$id"'"}}' ;;
      *'"approve":true'*'"tool":"guarded"'*)
        answer '{"id":"'"$id"'","result":{"approved":true}}' ;;
      *'"approve":false'*'"tool":"guarded"'*)
        answer '{"id":"'"$id"'","error":{"code":"approval_denied","message":"denied","status":403}}' ;;
      *'"tool":"guarded"'*) answer '{"id":"'"$id"'","approval":{"id":"approval-'"$id"'"}}' ;;
      *'"tool":"mcp-json"'*)
        answer '{"id":"'"$id"'","result":{"content":[{"type":"text","text":"{\"oid\":"},{"type":"text","text":"\"o-1\"}"}]}}' ;;
      *'"tool":"mcp-error"'*)
        answer '{"id":"'"$id"'","result":{"isError":true,"content":[{"type":"text","text":"no such thing"}]}}' ;;
      *'"tool":"fail"'*) answer '{"id":"'"$id"'","error":{"code":"tool_error","message":"it failed"}}' ;;
      *'"tool":"fail-500"'*) answer '{"id":"'"$id"'","error":{"code":"server_error","status":500}}' ;;
      *'"tool":"bad-status"'*) answer '{"id":"'"$id"'","error":{"code":"server_error","status":"500"}}' ;;
      *) answer '{"ok":false,"error":"unsupported"}' ;;
      esac
      ;;
    esac
    ;;
  *'"op":"restart"'* | *'"op":"reconfigure"'* | *'"op":"forget"'*)
    printf 'request: %s\n' "$line" >&2
    case $mode in
    good) answer '{"ok":true}' ;;
    *) answer '{"ok":false,"error":"unsupported"}' ;;
    esac
    ;;
  *'"op":"bye"'*)
    case $mode in ignore-bye) exec sleep 600 ;; esac
    exit 0
    ;;
  *) answer '{"ok":false,"error":"unsupported"}' ;;
  esac
done
