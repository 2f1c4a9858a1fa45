import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Spawns the built CLI (npm test builds first).
const BIN = fileURLToPath(new URL('../../bin/hie.js', import.meta.url));
const SAMPLES = fileURLToPath(new URL('../../../../fixtures/samples/ssmix2/', import.meta.url));
const OMP01 = `${SAMPLES}nho/999/901/9999013/20110701/OMP-01/9999013_20110701_OMP-01_000000011000185_20110701224603984_01_1`;
const OML11 = `${SAMPLES}nho/999/901/9999013/20111220/OML-11/9999013_20111220_OML-11_000000011000354_20111220103059000_01_1`;
const BROKEN = `${SAMPLES}nho-broken/000/000/0000001/20000401/ADT-31/9999013_20110630_OMP-11_123456789012345_20110701113813225_01_1`;

function hie(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('hie hl7 get', () => {
  it('prints the decoded value at each path, one per line, empty when absent', () => {
    const r = hie('hl7', 'get', OMP01, 'PID-5[2].1', 'PID-5.1', 'TQ1-3.1.2', 'TQ1[3]-6.1', 'MSH-9', 'OBX-5');
    expect(r.code).toBe(0);
    expect(r.out).toBe('カンジャ\n患者\n内服・経口・１日３回朝昼夕食後\n14\nRDE^O11^RDE_O11\n\n');
  });

  it('reads the n-th segment and prints JSON on request', () => {
    const r = hie('hl7', 'get', OML11, 'OBX[3]-5', 'OBX[3]-3.2', 'ZZZ-1', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ 'OBX[3]-5': '4.9', 'OBX[3]-3.2': 'アルブミン', 'ZZZ-1': null });
  });

  it('exits 2 on bad path syntax', () => {
    const r = hie('hl7', 'get', OMP01, 'PID5');
    expect(r.code).toBe(2);
    expect(r.err).toContain("'PID5' is not an HL7 path");
  });

  it('exits 1 with the typed error for a file that is not a message', () => {
    const r = hie('hl7', 'get', BROKEN, 'PID-3');
    expect(r.code).toBe(1);
    expect(r.err).toContain('BAD_ENCODING');
    expect(r.err).toContain(BROKEN);
  });
});

describe('hie hl7 show', () => {
  it('prints a tree with SS-MIX2 field names, repetitions and sub-components', () => {
    const r = hie('hl7', 'show', OMP01);
    expect(r.code).toBe(0);
    expect(r.out).toContain('RDE^O11^RDE_O11 20110701000001 (ISO-2022-JP)');
    expect(r.out).toContain('  PID-5 Patient Name 患者氏名 [XPN]\n    [1] .1 患者\n');
    expect(r.out).toContain('    [2] .1 カンジャ\n');
    expect(r.out).toContain('  TQ1-3 Repeat Pattern');
    expect(r.out).toContain('.1.3 JAMISDP01');
  });

  it('--json gives the same tree as JSON, values in encodeHl7Message shape', () => {
    const r = hie('hl7', 'show', OML11, '--json');
    expect(r.code).toBe(0);
    const tree = JSON.parse(r.out);
    expect(tree.messageType).toEqual({ code: 'OUL', event: 'R22', structure: 'OUL_R22' });
    expect(tree.segments.map((s: { name: string }) => s.name)).toEqual([
      'MSH',
      'PID',
      'PV1',
      'SPM',
      'OBR',
      'ORC',
      'OBX',
      'OBX',
      'OBX',
    ]);
    const pid5 = tree.segments[1].fields.find((f: { field: number }) => f.field === 5);
    expect(pid5).toMatchObject({ name: 'Patient Name', type: 'XPN' });
    expect(pid5.value[1].slice(0, 2)).toEqual(['カンジャ', 'タロウ']);
  });

  it('exits 1 for a file that is not a message', () => {
    expect(hie('hl7', 'show', BROKEN).code).toBe(1);
  });
});
