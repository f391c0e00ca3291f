-- Shared by the write scripts: a thread number and a run tag (BENCH_RUN) that keep written names unique
-- across threads and runs, the ACL token (CONSULITE_BENCH_TOKEN) on every request, and an optional
-- request limit per thread (BENCH_LIMIT: the thread stops after that many answers).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

run = os.getenv("BENCH_RUN") or "0"
local token = os.getenv("CONSULITE_BENCH_TOKEN")
if token then
  wrk.headers["X-Consul-Token"] = token
end
wrk.headers["Content-Type"] = "application/json"

local limit = tonumber(os.getenv("BENCH_LIMIT") or "0")
local answered = 0
function response(status, headers, body)
  answered = answered + 1
  if limit > 0 and answered >= limit then
    wrk.thread:stop()
  end
end
