-- wrk script: MCP tools/call whoami straight to a mock-mcp key mount, on one session over
-- keep-alive: the baseline of bench/emulator.sh. Environment: HEADER, KEY, SESSION.
local header = os.getenv("HEADER")
local key = os.getenv("KEY")
local session = os.getenv("SESSION")
local counter = 0

request = function()
  counter = counter + 1
  local body = '{"jsonrpc":"2.0","id":' .. counter ..
      ',"method":"tools/call","params":{"name":"whoami","arguments":{}}}'
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    [header] = key,
    ["Mcp-Session-Id"] = session,
    ["MCP-Protocol-Version"] = "2025-11-25",
  }, body)
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
