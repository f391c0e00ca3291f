-- PUT /v1/agent/service/register with a new service ID each request (ids unique per wrk thread)
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
function request()
  n = n + 1
  local id = tid .. "-" .. n
  local body = '{"Name":"svc' .. (n % 50) .. '","ID":"svc-' .. id .. '","Port":' .. (8000 + n % 1000) ..
    ',"Tags":["a","b"],"Meta":{"team":"t"},"Address":"10.0.0.1"}'
  return wrk.format("PUT", "/v1/agent/service/register", {["Content-Type"] = "application/json"}, body)
end
