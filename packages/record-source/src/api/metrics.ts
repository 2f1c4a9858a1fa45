/** Upper bounds (seconds) of the latency histogram buckets. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface Series {
  labels: string;
  count: number;
}

interface Histogram {
  labels: string;
  buckets: number[];
  sum: number;
  count: number;
}

/** Request counts by route and status, a latency histogram by route, in Prometheus text format. */
export class GatewayMetrics {
  private readonly requests = new Map<string, Series>();
  private readonly latency = new Map<string, Histogram>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = `method="${method}",route="${escapeLabel(route)}",status="${status}"`;
    const series = this.requests.get(labels) ?? { labels, count: 0 };
    series.count += 1;
    this.requests.set(labels, series);
    const routeLabels = `route="${escapeLabel(route)}"`;
    const h = this.latency.get(routeLabels) ?? {
      labels: routeLabels,
      buckets: BUCKETS.map(() => 0),
      sum: 0,
      count: 0,
    };
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
    });
    h.sum += seconds;
    h.count += 1;
    this.latency.set(routeLabels, h);
  }

  render(gauges: { resources: number | null; patients: number | null }): string {
    const lines = [
      '# HELP hie_gateway_requests_total HTTP requests answered, by route and status.',
      '# TYPE hie_gateway_requests_total counter',
      ...[...this.requests.values()].map((s) => `hie_gateway_requests_total{${s.labels}} ${s.count}`),
      '# HELP hie_gateway_request_duration_seconds Time to answer a request.',
      '# TYPE hie_gateway_request_duration_seconds histogram',
    ];
    for (const h of this.latency.values()) {
      BUCKETS.forEach((bound, i) => {
        lines.push(`hie_gateway_request_duration_seconds_bucket{${h.labels},le="${bound}"} ${h.buckets[i]}`);
      });
      lines.push(`hie_gateway_request_duration_seconds_bucket{${h.labels},le="+Inf"} ${h.count}`);
      lines.push(`hie_gateway_request_duration_seconds_sum{${h.labels}} ${h.sum}`);
      lines.push(`hie_gateway_request_duration_seconds_count{${h.labels}} ${h.count}`);
    }
    if (gauges.resources !== null) {
      lines.push('# HELP hie_gateway_resources FHIR resources in the projection.');
      lines.push('# TYPE hie_gateway_resources gauge');
      lines.push(`hie_gateway_resources ${gauges.resources}`);
    }
    if (gauges.patients !== null) {
      lines.push('# HELP hie_gateway_patients Patients in the projection.');
      lines.push('# TYPE hie_gateway_patients gauge');
      lines.push(`hie_gateway_patients ${gauges.patients}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
