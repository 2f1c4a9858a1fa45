import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageWriter } from '../storage/writer.js';
import { NHO } from '../test-support/samples.js';
import type { StorageChange } from './incremental.js';
import type { TransactionRecord } from './transaction-log.js';
import { watchStorage } from './watch.js';

let temp: string;
let root: string;
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'ssmix2-watch-'));
  root = join(temp, 'root');
  await cp(NHO, root, { recursive: true });
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('watchStorage', () => {
  it('reports every file at first, then only what a rescan finds changed', async () => {
    const seen: StorageChange[] = [];
    const watch = watchStorage([root], {
      checkpoint: join(temp, 'cp.ndjson'),
      rescanMs: 3_600_000,
      onChanges: (changes) => {
        seen.push(...changes);
      },
    });
    await watch.rescanNow();
    expect(seen).toHaveLength(19);
    seen.length = 0;
    await new StorageWriter(root).write({
      patientId: '9999013',
      careDate: '-',
      dataType: 'ADT-00',
      orderNo: '999999999999999',
      timestamp: '20260101000000000',
      department: '-',
      bytes: new Uint8Array([0x4d]),
    });
    await watch.rescanNow();
    await watch.close();
    expect(seen.map((c) => `${c.kind} ${c.fileName.slice(-21)}`)).toEqual([
      'removed 20111220224447339_-_1',
      'added 20111220224447339_-_2',
      'added 20260101000000000_-_1',
    ]);
  });

  it('passes on new transaction-log records without waiting for a rescan', async () => {
    const year = join(root, String(new Date().getFullYear()));
    await mkdir(year);
    const logFile = join(year, 'TR_20260101000000000_00001.DAT');
    const record = (op: string) =>
      `#SSMIX,2.00,9999999999,9999013,-,ADT-00,999999999999999,${op},-,20260101000000000\r\nMSH|^~\\&|\r`;
    await writeFile(logFile, record('INS'));
    const got: TransactionRecord[] = [];
    const watch = watchStorage([root], {
      checkpoint: join(temp, 'cp.ndjson'),
      rescanMs: 3_600_000,
      logPollMs: 20,
      logSettleMs: 100,
      onTransactions: (_root, records) => got.push(...records),
    });
    // Records present at start are history; a new one arrives (held back until the log settles).
    await writeFile(logFile, record('INS') + record('DEL'));
    const deadline = Date.now() + 5000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await watch.close();
    expect(got.map((r) => r.operation)).toEqual(['DEL']);
  });
});
