-- wrk script: POST /openai/v1/responses (non-streaming) through the emulator with a caller
-- token. Set by bench/emulator.sh through the environment: TOKEN, BODY.
local token = os.getenv("TOKEN")
local body = os.getenv("BODY")

request = function()
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"status":"completed"', 1, true) then
    io.stderr:write("unexpected answer " .. status .. ": " .. string.sub(body, 1, 200) .. "\n")
  end
end
