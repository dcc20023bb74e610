-- wrk script: every connection GETs the same path, and the answers'
-- X-Parity-Cache headers are counted (miss = this request ran the query,
-- wait = it shared another request's query, hit = from the cache). Usage:
--   wrk -s stampede.lua http://127.0.0.1:PORT/PATH
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

-- Globals, so done() can read each thread's counts with thread:get().
hit_count, miss_count, wait_count, other_count = 0, 0, 0, 0
function response(status, headers, body)
  local state = headers["X-Parity-Cache"]
  if state == "hit" then hit_count = hit_count + 1
  elseif state == "miss" then miss_count = miss_count + 1
  elseif state == "wait" then wait_count = wait_count + 1
  else other_count = other_count + 1 end
end

function done(summary, latency, requests)
  local total = {hit = 0, miss = 0, wait = 0, other = 0}
  for _, t in ipairs(threads) do
    for k, _ in pairs(total) do
      total[k] = total[k] + t:get(k .. "_count")
    end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d errors=%d non2xx=%d p50_us=%d p99_us=%d hit=%d miss=%d wait=%d other=%d\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99),
    total.hit, total.miss, total.wait, total.other))
end
