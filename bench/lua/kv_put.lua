-- PUT /v1/kv/bench/<n mod 1000> with a small value
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local n = 0
function request()
  n = n + 1
  return wrk.format("PUT", "/v1/kv/bench/" .. (n % 1000), nil, "value-" .. n)
end
