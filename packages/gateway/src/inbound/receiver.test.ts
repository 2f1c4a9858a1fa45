import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { encodeHl7Text, parseHl7 } from '@hie/hl7v2';
import { parseFileName, validateStorage } from '@hie/ssmix2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InboundReceiver } from './receiver.js';
import { readAck, sampleFiles } from './testing.js';

const decoder = new TextDecoder('iso-2022-jp', { fatal: true });

function sampleText(dataType: string): string {
  const s = sampleFiles().find((f) => f.dataType === dataType)!;
  const parsed = parseHl7(s.bytes);
  if (!parsed.ok) throw new Error('sample unreadable');
  return parsed.message.toString();
}

function names(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else out.push(e.name);
    }
  };
  walk(root);
  return out.sort();
}

describe('InboundReceiver', () => {
  let root: string;
  let clock: number;
  let receiver: InboundReceiver;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hie-receiver-'));
    clock = Date.UTC(2026, 10, 26, 1, 2, 3, 456);
    receiver = new InboundReceiver({ storageRoot: root, now: () => new Date(clock) });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('re-encodes a UTF-8 or Shift_JIS message to ISO-2022-JP and says so in MSH-18 / MSH-20', async () => {
    const text = sampleText('ADT-00')
      .replace(/\|~ISO ?IR87\|\|ISO ?2022-1994\|/, '|UNICODE UTF-8|||')
      .replace('登呂', 'ﾄﾛ登呂');
    for (const [charset, bytes] of [
      ['UTF-8', new TextEncoder().encode(text)],
      ['Shift_JIS', encodeHl7Text(text.replace('UNICODE UTF-8', 'SHIFT-JIS'), 'Shift_JIS')],
    ] as const) {
      const result = await receiver.receive(bytes);
      expect(result.outcome).toBe('stored');
      expect(result.charset).toBe(charset);
      const stored = readFileSync(result.path!);
      const storedText = decoder.decode(stored);
      expect(storedText).toContain('|~ISO IR87||ISO 2022-1994|');
      // Half-width kana became full width; the rest reads as sent.
      expect(storedText).toContain('トロ登呂');
      const reparsed = parseHl7(stored);
      expect(reparsed.ok && reparsed.charset).toBe('ISO-2022-JP');
      const sent = parseHl7(text);
      expect(reparsed.ok && reparsed.message.get('PID-5.1')).toBe(sent.ok && sent.message.get('PID-5.1'));
      clock += 1000;
    }
    const report = await validateStorage(root);
    expect(report.summary.error).toBe(0);
  });

  it('names the file with a 17-digit JST timestamp and the department of PV1-10 or ORC-17', async () => {
    const result = await receiver.receive(new TextEncoder().encode(sampleText('OMP-11')));
    const name = parseFileName(basename(result.path!));
    expect(name.ok && name.value).toMatchObject({
      timestamp: '20261126100203456',
      department: '01',
      careDate: '20110701',
    });
  });

  it('files a cancel (ORC-1 CA) as a deletion: the key goes to _0', async () => {
    const order = sampleText('OML-01');
    const first = await receiver.receive(new TextEncoder().encode(order));
    expect(first.outcome).toBe('stored');
    clock += 1000;
    const update = order.replace(/\|C?[^|\r]*\|P\|2\.5/, '|UPDATE1|P|2.5');
    expect((await receiver.receive(new TextEncoder().encode(update))).outcome).toBe('stored');
    clock += 1000;
    const cancel = order.replace(/\rORC\|NW\|/g, '\rORC|CA|').replace(/\|[^|\r]*\|P\|2\.5/, '|CANCEL1|P|2.5');
    const result = await receiver.receive(new TextEncoder().encode(cancel));
    expect(result.outcome).toBe('deleted');
    expect(readAck(result.ack!).code).toBe('AA');
    expect(names(root).map((n) => n.at(-1))).toEqual(['0', '0', '0']);
  });

  it('tells ingest of the new file, the renamed ones and their former names; keeps arrival order per key', async () => {
    const notified: string[][] = [];
    const watched = new InboundReceiver({
      storageRoot: root,
      now: () => new Date(clock),
      onStored: (p) => void notified.push(p),
    });
    const order = sampleText('OMD');
    const first = await watched.receive(new TextEncoder().encode(order));
    const again = order.replace(/\|[^|\r]*\|P\|2\.5/, '|AGAIN1|P|2.5');
    const third = order.replace(/\|[^|\r]*\|P\|2\.5/, '|AGAIN2|P|2.5');
    // Two updates of one key at once, in the same millisecond: the one received last is current.
    const [second, last] = await Promise.all([
      watched.receive(new TextEncoder().encode(again)),
      watched.receive(new TextEncoder().encode(third)),
    ]);
    const current = names(root).filter((n) => n.endsWith('_1'));
    expect(current).toEqual([basename(last.path!)]);
    expect(names(root)).toHaveLength(3);
    const firstAsSuperseded = first.path!.replace(/_1$/, '_2');
    expect(notified[1]).toEqual(expect.arrayContaining([second.path, first.path, firstAsSuperseded]));
  });

  it('files a cancel event (ADT^A23) as the deletion of the demographics', async () => {
    const demographics = sampleText('ADT-00');
    await receiver.receive(new TextEncoder().encode(demographics));
    clock += 1000;
    const cancel = demographics
      .replace('ADT^A08^ADT_A01', 'ADT^A23^ADT_A21')
      .replace(/\|[^|\r]*\|P\|2\.5/, '|DEL1|P|2.5');
    const result = await receiver.receive(new TextEncoder().encode(cancel));
    expect(result.outcome).toBe('deleted');
    expect(names(root)).toHaveLength(2);
    expect(names(root).every((n) => n.endsWith('_0') && n.includes('_ADT-00_'))).toBe(true);
  });

  it('answers in enhanced mode: CA when MSH-15 asks, nothing when neither MSH-15 nor MSH-16 asks', async () => {
    const base =
      'MSH|^~\\&|HIS|H|GW|G|20240101120000||ADT^A08^ADT_A01|E1|P|2.5|||{15}|{16}\rEVN||20240101\rPID|||12345||患者^太郎\rPV1||O\r';
    const send = (a: string, b: string, id: string) =>
      receiver.receive(
        new TextEncoder().encode(base.replace('{15}', a).replace('{16}', b).replace('E1', id)),
      );
    expect((await send('AL', 'NE', 'E1')).code).toBe('CA');
    expect((await send('NE', 'NE', 'E2')).ack).toBeUndefined();
    expect((await send('NE', 'AL', 'E3')).code).toBe('AA');
    expect((await send('ER', 'NE', 'E4')).ack).toBeUndefined();
    const bad = await receiver.receive(
      new TextEncoder().encode(
        base.replace('{15}', 'ER').replace('{16}', '').replace('PID|||12345', 'PID|||'),
      ),
    );
    expect(bad.code).toBe('CE');
    expect(readAck(bad.ack!).errLocation).toBe('PID^3^3');
  });

  it('acknowledges a stored message even while ingest is too busy to take it', async () => {
    const busy = new InboundReceiver({
      storageRoot: root,
      notifyWaitMs: 100,
      onStored: () => new Promise(() => {}),
    });
    const started = Date.now();
    const result = await busy.receive(new TextEncoder().encode(sampleText('OMD')));
    expect(result.code).toBe('AA');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports a storage it cannot write with AR, so the sender retries', async () => {
    const blocked = new InboundReceiver({ storageRoot: '/dev/null/not-a-folder' });
    const result = await blocked.receive(new TextEncoder().encode(sampleText('OMD')));
    expect(result.outcome).toBe('failed');
    expect(readAck(result.ack!).code).toBe('AR');
  });
});
