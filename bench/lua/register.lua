-- PUT /v1/agent/service/register with a new service ID each request; with BENCH_CHECK_URL, an HTTP check
-- at a 10 s interval against it (the body of bench/seed.py service_body otherwise)
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local check = os.getenv("BENCH_CHECK_URL")
local n = 0
function request()
  n = n + 1
  local body = '{"Name":"svc' .. (n % 50) .. '","ID":"svc-' .. run .. '-' .. tid .. '-' .. n .. '","Port":' ..
    (8000 + n % 1000) .. ',"Tags":["a","b"],"Meta":{"team":"t"},"Address":"10.0.0.1"'
  if check then
    body = body .. ',"Check":{"HTTP":"' .. check .. '","Interval":"10s"}'
  end
  return wrk.format("PUT", "/v1/agent/service/register", nil, body .. "}")
end
