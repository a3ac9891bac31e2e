-- wrk script for POST /api/orders: a fresh Idempotency-Key per request, a random benchmark SKU, the customers'
-- tokens in turn. Reads BENCH_TOKENS (space-separated), BENCH_SKUS and BENCH_RUN_ID from the environment.
-- BENCH_MODE (bin/bench-capacity) sends other requests instead: "read" GET /api/products/{sku} of a random SKU;
-- "refusal" orders of BENCH_SOLDOUT_SKU, refused at the door with 409 (counted as expected); "pay" POST
-- /api/orders/{id}/payment for the orders of BENCH_PAY_FILE (lines "<customer number> <order id>", each paid once);
-- "browse" (bin/bench-replica) a shoppers' mix: 60% a catalog page (GET /api/products, 10 to 50 products), 30% the
-- customer's order history (GET /api/orders), 10% an order.
-- BENCH_DELAY_MS, when over 0, paces each connection: it waits that long before each request (bin/bench-startup's
-- fixed offered rate, so variants that start faster or slower are compared at the same traffic).
-- done() prints one BENCH_RESULT line of key=value pairs (http_bytes_in/out: bytes per request the service received
-- and sent); any non-2xx response makes the run invalid.

local tokens = {}
for t in string.gmatch(os.getenv("BENCH_TOKENS") or "", "%S+") do
  tokens[#tokens + 1] = t
end
local skus = tonumber(os.getenv("BENCH_SKUS") or "1000")
local run = os.getenv("BENCH_RUN_ID") or tostring(os.time())
local mode = os.getenv("BENCH_MODE") or "order"
local soldOut = os.getenv("BENCH_SOLDOUT_SKU") or "BENCH-SOLDOUT"
local payments = {}
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
local pace = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if pace > 0 then
  function delay()
    return pace
  end
end
if mode == "pay" then
  for line in io.lines(os.getenv("BENCH_PAY_FILE")) do
    local customer, order = string.match(line, "^(%d+)%s+(%S+)$")
    payments[#payments + 1] = { tonumber(customer), order }
  end
end

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  if #tokens == 0 then
    error("BENCH_TOKENS is empty")
  end
  math.randomseed(os.time() + id * 7919)
  counter = 0
  sent = 0
  non2xx = 0
  statuses = {}
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  counter = counter + 1
  headers["Idempotency-Key"] = string.format("%s-%d-%d-%08x", run, id, counter, math.random(0, 0x7fffffff))
  headers["Authorization"] = "Bearer " .. tokens[counter % #tokens + 1]
  local req
  local roll = math.random(1, 10)
  if mode == "read" then
    req = wrk.format("GET", string.format("/api/products/BENCH-%04d", math.random(1, skus)), headers)
  elseif mode == "browse" and roll <= 6 then
    req = wrk.format("GET", string.format("/api/products?limit=%d", math.random(10, 50)), headers)
  elseif mode == "browse" and roll <= 9 then
    req = wrk.format("GET", "/api/orders?limit=20", headers)
  elseif mode == "pay" then
    -- thread i of n takes orders i, i+n, i+2n...: no order is paid twice (BENCH_THREADS: wrk's -t)
    local p = payments[(counter - 1) * nthreads + id]
    if p == nil then
      error("BENCH_PAY_FILE has too few orders for this run")
    end
    headers["Authorization"] = "Bearer " .. tokens[p[1]]
    req = wrk.format("POST", "/api/orders/" .. p[2] .. "/payment", headers, '{"methodToken":"tok_visa"}')
  else
    local sku = mode == "refusal" and soldOut or string.format("BENCH-%04d", math.random(1, skus))
    local body = string.format('{"lines":[{"sku":"%s","quantity":1}]}', sku)
    req = wrk.format("POST", "/api/orders", headers, body)
  end
  sent = sent + #req
  return req
end

function response(status, headers, body)
  -- a refusal is a 409 here, and a payment the gateway declines a 402: the answers those requests are meant to get
  if (status < 200 or status > 299) and not (mode == "refusal" and status == 409)
      and not (mode == "pay" and status == 402) then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
    if sample == nil then
      sample = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local bad, codes, samples, sentBytes = 0, {}, {}, 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    sentBytes = sentBytes + (t:get("sent") or 0)
    for code, n in pairs(t:get("statuses") or {}) do
      codes[code] = (codes[code] or 0) + n
    end
    local s = t:get("sample")
    if s ~= nil then
      samples[#samples + 1] = s
    end
  end
  local byCode = {}
  for code, n in pairs(codes) do
    byCode[#byCode + 1] = code .. ":" .. n
  end
  table.sort(byCode)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f"
      .. " non2xx=%d statuses=%s socket_errors=%d http_bytes_in=%.0f http_bytes_out=%.0f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad, #byCode > 0 and table.concat(byCode, ",") or "none",
    e.connect + e.read + e.write + e.timeout, sentBytes / math.max(1, summary.requests),
    summary.bytes / math.max(1, summary.requests)))
  for _, s in ipairs(samples) do
    io.write("BENCH_SAMPLE " .. string.gsub(s, "\n", " ") .. "\n")
  end
end
