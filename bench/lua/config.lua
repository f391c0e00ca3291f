-- PUT /v1/config with a new service-defaults entry each request
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local n = 0
function request()
  n = n + 1
  local body = '{"Kind":"service-defaults","Name":"svc-' .. run .. '-' .. tid .. '-' .. n ..
    '","Protocol":"http","MeshGateway":{"Mode":"local"},"Meta":{"team":"t"}}'
  return wrk.format("PUT", "/v1/config", nil, body)
end
