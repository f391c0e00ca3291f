-- PUT /v1/config with a new service-defaults entry each request (names unique per wrk thread)
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
function request()
  n = n + 1
  local body = '{"Kind":"service-defaults","Name":"svc-' .. tid .. '-' .. n ..
    '","Protocol":"http","MeshGateway":{"Mode":"local"},"Meta":{"team":"t"}}'
  return wrk.format("PUT", "/v1/config", {["Content-Type"] = "application/json"}, body)
end
