// Deterministic UIDs under the 2.25 root (PS3.5 B.2): a 128-bit hash of the parts, as a decimal integer.
import { createHash } from 'node:crypto';

/** The same parts give the same UID, on every machine; at most 44 characters. */
export function deterministicUid(...parts: readonly (string | number)[]): string {
  const digest = createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${digest}`).toString(10)}`;
}
