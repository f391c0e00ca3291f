-- PUT /v1/session/create: a session on the agent's node (checks: serfHealth, as Consul's default)
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
function request()
  return wrk.format("PUT", "/v1/session/create", nil, '{"Name":"bench"}')
end
