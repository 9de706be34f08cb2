// Request metrics in Prometheus' text format: counts by method/endpoint/status, bytes in and out,
// and a latency histogram per endpoint. Kept in plain maps: recording is a few additions.

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class RegistryMetrics {
  private readonly requests = new Map<string, number>();
  private readonly bytesIn = new Map<string, number>();
  private readonly bytesOut = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private inFlight = 0;

  begin(): void {
    this.inFlight++;
  }

  record(method: string, endpoint: string, status: number, seconds: number, bytesIn: number, bytesOut: number): void {
    this.inFlight--;
    const key = `${method}\0${endpoint}\0${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    if (bytesIn > 0) this.bytesIn.set(endpoint, (this.bytesIn.get(endpoint) ?? 0) + bytesIn);
    if (bytesOut > 0) this.bytesOut.set(endpoint, (this.bytesOut.get(endpoint) ?? 0) + bytesOut);
    let h = this.latency.get(endpoint);
    if (!h) {
      h = { counts: new Array<number>(BUCKETS.length).fill(0), sum: 0, count: 0 };
      this.latency.set(endpoint, h);
    }
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP berth_registry_http_requests_total HTTP requests by method, endpoint and status code.');
    out.push('# TYPE berth_registry_http_requests_total counter');
    for (const [k, v] of this.requests) {
      const [method, endpoint, code] = k.split('\0') as [string, string, string];
      out.push(`berth_registry_http_requests_total{method="${esc(method)}",endpoint="${esc(endpoint)}",code="${code}"} ${v}`);
    }
    out.push('# HELP berth_registry_http_request_bytes_total Request body bytes received.');
    out.push('# TYPE berth_registry_http_request_bytes_total counter');
    for (const [e, v] of this.bytesIn) out.push(`berth_registry_http_request_bytes_total{endpoint="${esc(e)}"} ${v}`);
    out.push('# HELP berth_registry_http_response_bytes_total Response body bytes sent.');
    out.push('# TYPE berth_registry_http_response_bytes_total counter');
    for (const [e, v] of this.bytesOut) out.push(`berth_registry_http_response_bytes_total{endpoint="${esc(e)}"} ${v}`);
    out.push('# HELP berth_registry_http_request_duration_seconds Time to serve a request.');
    out.push('# TYPE berth_registry_http_request_duration_seconds histogram');
    for (const [e, h] of this.latency) {
      BUCKETS.forEach((b, i) => out.push(`berth_registry_http_request_duration_seconds_bucket{endpoint="${esc(e)}",le="${b}"} ${h.counts[i]}`));
      out.push(`berth_registry_http_request_duration_seconds_bucket{endpoint="${esc(e)}",le="+Inf"} ${h.count}`);
      out.push(`berth_registry_http_request_duration_seconds_sum{endpoint="${esc(e)}"} ${h.sum}`);
      out.push(`berth_registry_http_request_duration_seconds_count{endpoint="${esc(e)}"} ${h.count}`);
    }
    out.push('# HELP berth_registry_http_requests_in_flight Requests being served.');
    out.push('# TYPE berth_registry_http_requests_in_flight gauge');
    out.push(`berth_registry_http_requests_in_flight ${this.inFlight}`);
    return out.join('\n') + '\n';
  }
}
