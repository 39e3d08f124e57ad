-- wrk script for scripts/bench/serve.sh: POSTs the JSON body in $MAAS_BENCH_BODY on every request
-- and prints one "BENCH {...}" line that serve.sh parses. Latencies are in microseconds.

local body = os.getenv("MAAS_BENCH_BODY")
if body == nil or body == "" then
  error("MAAS_BENCH_BODY is not set; run this script through scripts/bench/serve.sh")
end

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d, "non_2xx": %d, "mean_us": %.1f, "p50_us": %d, ' ..
    '"p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, errors.connect, errors.read, errors.write, errors.timeout,
    errors.status, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
