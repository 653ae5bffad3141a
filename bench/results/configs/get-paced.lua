-- wrk script of scenario get-paced
function delay() return 2 end
-- Every wrk thread's counters, summed in done().
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0; blue = 0; green = 0 end

function done(summary, latency, requests)
  local n2, b, g = 0, 0, 0
  for _, t in ipairs(threads) do
    n2 = n2 + t:get("non2xx"); b = b + t:get("blue"); g = g + t:get("green")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d"
      .. " timeout=%d p50_us=%d p99_us=%d p999_us=%d non2xx=%d blue=%d green=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), n2, b, g))
end
