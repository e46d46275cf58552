-- wrk script: GET with an optional bearer token (TOKEN, may be empty). bench/load.sh uses it
-- for mock-idp's discovery document and the emulator's connections list.
local token = os.getenv("TOKEN") or ""

request = function()
  local headers = {}
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("GET", nil, headers)
end
