import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_ENGINES } from '@hie/platform/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  encode,
  exampleCsv,
  labCentreText,
  NHO_LAB_RESULT,
  nhoForClinic,
  setField,
} from '../intake/lab/testing.js';
import { type LabDrop, startLabDrop } from './lab-drop.js';
import { type LabRepository, labRepository, observationsOf } from './testing.js';

const unknownPatient = () => encode(setField(labCentreText(NHO_LAB_RESULT), 'PID', 3, 'NOBODY'));

describe.each(TEST_ENGINES)('a lab centre’s drop folder (%s)', (engine) => {
  let lab: LabRepository;
  let dir: string;
  let drop: LabDrop;
  const files = (sub = '') => readdirSync(join(dir, sub)).sort();
  /** Two looks: the first sees each file, the second takes those whose size held still. */
  const settle = async () => {
    await drop.scan();
    await drop.scan();
  };

  beforeAll(async () => {
    lab = await labRepository(engine);
  });
  afterAll(() => lab?.r.dispose());
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hie-lab-drop-'));
    // A long interval: the tests look themselves.
    drop = await startLabDrop(lab.r.intake, {
      dir,
      sender: lab.lab.id,
      csvLayout: 'example-kensa-v1',
      intervalMs: 3_600_000,
    });
  });
  afterEach(async () => {
    await drop.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a good HL7 file into done/, readable at the clinic, and audits it as the drop folder', async () => {
    writeFileSync(join(dir, 'kensa-001.hl7'), nhoForClinic());
    await drop.scan();
    expect(files()).toContain('kensa-001.hl7');
    await drop.scan();
    expect(files()).toEqual(['done', 'error']);
    expect(files('done')).toEqual(['kensa-001.hl7']);
    expect(await observationsOf(lab.r, lab.patientId)).toBeGreaterThan(0);
    const events = await lab.r.store.db
      .selectFrom('audit_event')
      .select('event_json')
      .where('type', '=', 'intake')
      .execute();
    expect(events.some((e) => e.event_json.includes(`drop folder ${dir}`))).toBe(true);
  });

  it('moves a bad file to error/ with every issue beside it, and takes the good one next to it', async () => {
    writeFileSync(join(dir, 'a-bad.hl7'), unknownPatient());
    writeFileSync(join(dir, 'b-good.txt'), nhoForClinic());
    await settle();
    expect(files('error')).toEqual(['a-bad.hl7', 'a-bad.hl7.error.json']);
    expect(files('done')).toEqual(['b-good.txt']);
    const report = JSON.parse(readFileSync(join(dir, 'error', 'a-bad.hl7.error.json'), 'utf8'));
    expect(report).toMatchObject({
      file: 'a-bad.hl7',
      code: 'rejected',
      status: 422,
      issues: [{ code: 'lab-unknown-patient', field: 'PID-3', file: 'a-bad.hl7' }],
    });
  });

  it('takes a file fixed and put back, and clears its old report', async () => {
    writeFileSync(join(dir, 'fix-me.hl7'), unknownPatient());
    await settle();
    expect(files('error')).toContain('fix-me.hl7.error.json');
    rmSync(join(dir, 'error', 'fix-me.hl7'));
    writeFileSync(join(dir, 'fix-me.hl7'), nhoForClinic());
    await settle();
    expect(files('done')).toEqual(['fix-me.hl7']);
    expect(files('error')).toEqual([]);
  });

  it('waits for a file still being written', async () => {
    const bytes = nhoForClinic();
    writeFileSync(join(dir, 'slow.hl7'), bytes.subarray(0, 100));
    await drop.scan();
    writeFileSync(join(dir, 'slow.hl7'), bytes);
    await drop.scan();
    expect(files()).toContain('slow.hl7');
    await drop.scan();
    expect(files('done')).toEqual(['slow.hl7']);
  });

  it('imports a CSV in the folder’s layout; a name used twice keeps both files', async () => {
    const csv = encode(exampleCsv(), 'Shift_JIS');
    writeFileSync(join(dir, 'kensa.csv'), csv);
    await settle();
    expect(files('done')).toEqual(['kensa.csv']);
    expect(await observationsOf(lab.r, '0002000077')).toBeGreaterThan(0);
    writeFileSync(join(dir, 'kensa.csv'), csv);
    await settle();
    expect(files('done')).toEqual(['kensa.1.csv', 'kensa.csv']);
  });

  it('leaves other files alone', async () => {
    writeFileSync(join(dir, 'notes.pdf'), 'x');
    writeFileSync(join(dir, '.kensa.hl7.part'), 'x');
    await settle();
    expect(files()).toEqual(['.kensa.hl7.part', 'done', 'error', 'notes.pdf']);
  });

  it('refuses a CSV where no layout is configured, with the reason', async () => {
    await drop.stop();
    drop = await startLabDrop(lab.r.intake, { dir, sender: lab.lab.id, intervalMs: 3_600_000 });
    writeFileSync(join(dir, 'kensa.csv'), encode(exampleCsv(), 'Shift_JIS'));
    await settle();
    const report = JSON.parse(readFileSync(join(dir, 'error', 'kensa.csv.error.json'), 'utf8'));
    expect(report).toMatchObject({ code: 'bad-request', message: expect.stringContaining('layout') });
  });

  it('leaves the files where they are while its sender is not a lab centre', async () => {
    await drop.stop();
    drop = await startLabDrop(lab.r.intake, { dir, sender: 'nobody', intervalMs: 3_600_000 });
    writeFileSync(join(dir, 'kensa.hl7'), nhoForClinic());
    await settle();
    expect(existsSync(join(dir, 'kensa.hl7'))).toBe(true);
  });

  it('refuses to start on a folder that is not there', async () => {
    await expect(
      startLabDrop(lab.r.intake, { dir: join(dir, 'none'), sender: lab.lab.id, intervalMs: 1000 }),
    ).rejects.toThrow();
  });
});
