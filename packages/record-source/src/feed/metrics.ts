import type { FeederStatus } from './feeder.js';

/** The feed's lines for the gateway's /metrics (Prometheus text format). */
export function renderFeedMetrics(s: FeederStatus, pending: number | null): string {
  const lines = [
    '# HELP hie_gateway_feed_identities_total Patient identities the hub accepted since start.',
    '# TYPE hie_gateway_feed_identities_total counter',
    `hie_gateway_feed_identities_total ${s.sentTotal}`,
    '# HELP hie_gateway_feed_skipped_total Patient identities the hub refused one by one since start.',
    '# TYPE hie_gateway_feed_skipped_total counter',
    `hie_gateway_feed_skipped_total ${s.skippedTotal}`,
    '# HELP hie_gateway_feed_consecutive_failures Failed feed attempts since the last success.',
    '# TYPE hie_gateway_feed_consecutive_failures gauge',
    `hie_gateway_feed_consecutive_failures ${s.consecutiveFailures}`,
  ];
  if (pending !== null) {
    lines.push(
      '# HELP hie_gateway_feed_pending Patients new or changed since the hub last accepted a batch.',
    );
    lines.push('# TYPE hie_gateway_feed_pending gauge');
    lines.push(`hie_gateway_feed_pending ${pending}`);
  }
  if (s.lastSuccessAt) {
    lines.push('# HELP hie_gateway_feed_last_success_timestamp_seconds When the hub last accepted a batch.');
    lines.push('# TYPE hie_gateway_feed_last_success_timestamp_seconds gauge');
    lines.push(`hie_gateway_feed_last_success_timestamp_seconds ${Date.parse(s.lastSuccessAt) / 1000}`);
  }
  if (s.lastError) {
    lines.push('# HELP hie_gateway_feed_last_error_info The last feed failure (1 while it is unresolved).');
    lines.push('# TYPE hie_gateway_feed_last_error_info gauge');
    lines.push(
      `hie_gateway_feed_last_error_info{kind="${s.lastError.kind}",status="${s.lastError.status ?? ''}"} 1`,
    );
  }
  return `${lines.join('\n')}\n`;
}
