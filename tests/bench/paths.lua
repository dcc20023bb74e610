-- wrk script: GET the paths of a fixed list, the same list for every server
-- compared. Usage:
--   WRK_THREADS=N wrk -t N -s paths.lua http://127.0.0.1:PORT -- LIST_FILE [HEADER: VALUE]
-- Thread k of N walks entries k+1, k+1+N, k+1+2N, ... of the list, round
-- and round: a run is reproducible, every tile is asked for, the threads
-- never ask for the same tile, and the requests in flight at one moment are
-- for different tiles (so nothing is coalesced by accident). done() prints
-- one RESULT line for run.sh.
local next_thread = 0
function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

local paths = {}
local position, stride = 0, 1
function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  if args[2] then
    local name, value = args[2]:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
  stride = tonumber(os.getenv("WRK_THREADS") or "1")
  if stride > #paths then stride = #paths end
  position = thread_index % stride - stride
end

function request()
  position = position + stride
  if position >= #paths then position = position % stride end
  return wrk.format("GET", paths[position + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d errors=%d non2xx=%d p50_us=%d p90_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
