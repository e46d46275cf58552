-- wrk script: MCP tools/call echo on one session over keep-alive, with a bearer token.
-- Set by bench/mcp.sh through the environment: TOKEN, SESSION.
local token = os.getenv("TOKEN")
local session = os.getenv("SESSION")
local counter = 0

request = function()
  counter = counter + 1
  local body = '{"jsonrpc":"2.0","id":' .. counter ..
      ',"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}}'
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["Authorization"] = "Bearer " .. token,
    ["Mcp-Session-Id"] = session,
    ["MCP-Protocol-Version"] = "2025-11-25",
  }, body)
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
