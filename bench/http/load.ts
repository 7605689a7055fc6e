// The load generator, run as its own process (so it does not share a CPU queue with the server's event
// loop): autocannon at a fixed concurrency, bounded by duration and by a request count, loopback only.
// Input: one JSON argument {url, headers, connections, seconds, maxRequests}. Output: one JSON line with
// exact percentiles from every response time (autocannon's own summary has no p95).
import autocannon from 'autocannon';

interface LoadSpec {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  maxRequests: number;
}
const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const host = new URL(spec.url).hostname;
if (host !== '127.0.0.1' && host !== 'localhost')
  throw new Error(`bench load targets loopback only, not ${host}`);

const times: number[] = [];
const statuses = new Map<number, number>();
const instance = autocannon(
  {
    url: spec.url,
    headers: spec.headers ?? {},
    connections: spec.connections,
    duration: spec.seconds,
    maxOverallRequests: spec.maxRequests,
    // A request slower than this counts as an error instead of holding the run open.
    timeout: 60,
  },
  (err: Error | null, result: autocannon.Result) => {
    if (err) throw err;
    times.sort((a, b) => a - b);
    const at = (q: number) =>
      times[Math.min(times.length - 1, Math.max(0, Math.ceil(q * times.length) - 1))] ?? 0;
    const seconds = result.duration;
    process.stdout.write(
      `${JSON.stringify({
        requests: times.length,
        seconds,
        rps: times.length / Math.max(seconds, 0.001),
        p50: at(0.5),
        p95: at(0.95),
        p99: at(0.99),
        max: at(1),
        errors: result.errors,
        timeouts: result.timeouts,
        statuses: Object.fromEntries(statuses),
      })}\n`,
    );
  },
);
instance.on('response', (_client, status, _bytes, ms) => {
  times.push(ms);
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
});
