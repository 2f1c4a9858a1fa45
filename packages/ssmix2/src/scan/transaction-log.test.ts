import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listTransactionLogs, parseTransactionLog, readTransactionLogs } from './transaction-log.js';

const enc = (s: string) => new TextEncoder().encode(s);
const msg = (id: string) => `MSH|^~\\&|HIS|||||20220101||ADT^A08^ADT_A01|${id}|P|2.5\rPID|||0000000123\r`;
const log = (...records: [string, string][]) =>
  records
    .map(
      ([op, id]) =>
        `#SSMIX,2.00,9999999999,0000000123,-,ADT-00,999999999999999,${op},-,20220101235959567\r\n${msg(id)}\x1c\r\n`,
    )
    .join('');

describe('parseTransactionLog', () => {
  it('splits records at #SSMIX headers and reads the ten header fields', () => {
    const r = parseTransactionLog('TR', enc(log(['INS', '1'], ['DEL', '2'])));
    expect(r.problems).toEqual([]);
    expect(r.records).toHaveLength(2);
    expect(r.records[1]).toMatchObject({
      version: '2.00',
      facilityId: '9999999999',
      patientId: '0000000123',
      careDate: '-',
      dataType: 'ADT-00',
      orderNo: '999999999999999',
      operation: 'DEL',
      department: '-',
      transactionTime: '20220101235959567',
    });
    expect(new TextDecoder().decode(r.records[0]!.message)).toBe(msg('1'));
  });

  it('holds back the last record on request and continues from the offset', () => {
    const bytes = enc(log(['INS', '1'], ['INS', '2']));
    const first = parseTransactionLog('TR', bytes, { holdLast: true });
    expect(first.records.map((x) => x.offset)).toEqual([0]);
    const rest = parseTransactionLog('TR', bytes, { fromOffset: first.nextOffset });
    expect(rest.records).toHaveLength(1);
    expect(new TextDecoder().decode(rest.records[0]!.message)).toContain('|2|P|');
  });

  it('reports a malformed header and goes on', () => {
    const r = parseTransactionLog('TR', enc(`#SSMIX,2.00,only,four\r\n${msg('x')}${log(['INS', '1'])}`));
    expect(r.problems).toHaveLength(1);
    expect(r.records).toHaveLength(1);
  });
});

describe('readTransactionLogs', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ssmix2-tr-'));
    await mkdir(join(root, '2022'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads logs in name order from a position, only new records', async () => {
    const a = join(root, '2022', 'TR_20220101000000000_00001.DAT');
    const b = join(root, '2022', 'TR_20220102000000000_00001.DAT');
    await writeFile(a, log(['INS', '1'], ['INS', '2']));
    await writeFile(b, log(['DEL', '3']));
    const old = new Date('2022-01-03');
    await utimes(a, old, old);
    await utimes(b, old, old);
    expect(listTransactionLogs(root)).toEqual([
      '2022/TR_20220101000000000_00001.DAT',
      '2022/TR_20220102000000000_00001.DAT',
    ]);
    const all = readTransactionLogs(root);
    expect(all.records.map((r) => r.operation)).toEqual(['INS', 'INS', 'DEL']);
    expect(readTransactionLogs(root, all.position).records).toEqual([]);
    // A log still being written (modified just now) keeps its last record back.
    await writeFile(b, log(['DEL', '3'], ['INS', '4']));
    const next = readTransactionLogs(root, all.position);
    expect(next.records).toEqual([]);
    expect(readTransactionLogs(root, all.position, 0).records.map((r) => r.operation)).toEqual(['INS']);
  });

  it('finds nothing where the site writes no logs', () => {
    expect(readTransactionLogs(join(root, 'none'))).toEqual({
      records: [],
      problems: [],
      position: undefined,
    });
  });
});
