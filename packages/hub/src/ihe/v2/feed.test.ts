import { encodeHl7Text } from '@hie/hl7v2';
import { TEST_ENGINES } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubUnderTest } from '../../testing.js';
import { startIheMllp } from './listener.js';
import {
  jahisAdt,
  mpiAudit,
  nhoAdtText,
  OTHER,
  OWN,
  OWN_CODE,
  send,
  setField,
  TOKENS,
  v2Hub,
  v2Message,
} from './testing.js';

/**
 * ITI-8 over plain MLLP from this machine: the published JAHIS ADT fed, revised, two ids merged — and
 * the attacks and mistakes: no token, another facility's token or MSH-4 or patient, broken messages.
 */
describe.each(TEST_ENGINES)('HL7 v2 Patient Identity Feed, ITI-8 (%s)', (engine) => {
  let hub: HubUnderTest;
  let listener: { port: number; close(): Promise<void> };
  const record = (localId: string, facilityOid = OWN) =>
    hub.store.db
      .selectFrom('mpi_record')
      .selectAll()
      .where('facility_oid', '=', facilityOid)
      .where('local_id', '=', localId)
      .executeTakeFirst();

  beforeAll(async () => {
    hub = await v2Hub(engine);
    listener = await startIheMllp(hub.deps, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await listener?.close();
    await hub?.dispose();
  });

  it('takes the published JAHIS ADT^A08 (ISO-2022-JP) with the token: AA in ISO-2022-JP, the patient indexed', async () => {
    const [answer] = await send(listener.port, [jahisAdt()]);
    expect(answer?.code).toBe('AA');
    expect(answer?.err).toBeUndefined();
    // The answer speaks the sender's charset: declared in MSH-18 and written in it.
    expect(answer?.message.charset).toBe('ISO-2022-JP');
    expect(answer?.message.segments[0]?.raw(18)).toBe('~ISO IR87');
    expect(answer?.message.messageType).toMatchObject({ code: 'ACK', event: 'A08' });
    expect(answer?.message.get('MSA-2')).toBe('20111220000001');
    expect(await record('9999013')).toMatchObject({
      name_kanji: '患者 太郎',
      name_kana: 'カンジャ タロウ',
      birth_date: '1948-04-05',
      sex: 'M',
      postcode: '422-8033',
      phone: '054-000-0000',
    });
    expect((await record('9999013'))?.address).toMatch(/^静岡県静岡市登呂１.３.５$/);
    const last = (await mpiAudit(hub)).at(-1);
    expect(last).toMatchObject({
      outcome: '0',
      agent: { userId: `ihe:${OWN}`, facilityOid: OWN },
      detail: { operation: 'ITI-8', messageType: 'ADT^A08', ack: 'AA', transport: 'MLLP' },
    });
  });

  it('revises with A31 and registers with A28 (JAHIS); the institution code names the facility too', async () => {
    let text = setField(nhoAdtText(), 'MSH', 4, OWN_CODE);
    text = setField(text, 'MSH', 8, TOKENS[OWN]);
    text = setField(text, 'MSH', 9, 'ADT^A31^ADT_A05');
    text = setField(text, 'PID', 3, `9999013^^^${OWN_CODE}^PI`);
    text = setField(text, 'PID', 5, '患者^花子^^^^^L^I~カンジャ^ハナコ^^^^^L^P');
    const revise = encodeHl7Text(text, 'ISO-2022-JP');
    const register = v2Message('ADT^A28^ADT_A05', [
      'EVN|A28|20261207100000',
      `PID|||R-28^^^&${OWN}&ISO^PI~99999^^^&1.2.392.100495.20.3.51&ISO^IN||登録^一郎^^^^^L^I~トウロク^イチロウ^^^^^L^P||19600102|M`,
    ]);
    const answers = await send(listener.port, [revise, register]);
    expect(answers.map((a) => a.code)).toEqual(['AA', 'AA']);
    expect(await record('9999013')).toMatchObject({ name_kanji: '患者 花子', name_kana: 'カンジャ ハナコ' });
    expect(await record('R-28')).toMatchObject({ name_kanji: '登録 一郎', birth_date: '1960-01-02' });
  });

  it('merges two of the facility’s own ids (A40): the obsolete one retired; refusals AE 204 / 205 at the culprit', async () => {
    const a04 = (id: string) =>
      v2Message('ADT^A04^ADT_A01', [
        'EVN|A04|20261207100000',
        `PID|||${id}^^^&${OWN}&ISO^PI||山田^花子^^^^^L^I~ヤマダ^ハナコ^^^^^L^P||19500101|F`,
      ]);
    const a40 = (surviving: string, obsolete: string) =>
      v2Message('ADT^A40^ADT_A39', [
        'EVN|A40|20261207100000',
        `PID|||${surviving}^^^&${OWN}&ISO^PI`,
        `MRG|${obsolete}^^^&${OWN}&ISO^PI`,
      ]);
    const fed = await send(listener.port, [a04('M-1'), a04('M-2')]);
    expect(fed.map((a) => a.code)).toEqual(['AA', 'AA']);
    const [merged, again, same, foreign] = await send(listener.port, [
      a40('M-1', 'M-2'),
      a40('M-1', 'M-2'),
      a40('M-1', 'M-1'),
      v2Message('ADT^A40^ADT_A39', [
        'EVN|A40|20261207100000',
        `PID|||M-1^^^&${OWN}&ISO^PI`,
        `MRG|M-2^^^&${OTHER}&ISO^PI`,
      ]),
    ]);
    expect(merged?.code).toBe('AA');
    expect(await record('M-2')).toBeUndefined();
    expect(await record('M-1')).toBeDefined();
    expect(again?.err).toMatchObject({ code: '204', location: 'MRG^1^1' });
    expect(same?.err).toMatchObject({ code: '205', location: 'MRG^1^1' });
    expect(foreign).toMatchObject({ code: 'AE', err: { code: '204', location: 'MRG^1^1' } });
    const merges = (await mpiAudit(hub)).filter(
      (e) => (e.detail as Record<string, string>).interaction === 'merge',
    );
    expect(merges.map((e) => e.outcome)).toEqual(['0', '4', '4', '4']);
  });

  it('refuses a sender without the token, with another’s token, or naming another facility in MSH-4: AR, nothing fed, audited', async () => {
    const before = (await mpiAudit(hub)).length;
    const answers = await send(listener.port, [
      jahisAdt({ token: null, pid3: `T-1^^^&${OWN}&ISO^PI` }),
      jahisAdt({ token: 'not-a-token', pid3: `T-1^^^&${OWN}&ISO^PI` }),
      jahisAdt({ msh4: `^${OTHER}^ISO`, pid3: `T-1^^^&${OWN}&ISO^PI` }),
      // The other hospital's own token, claiming to be us in MSH-4.
      jahisAdt({ token: TOKENS[OTHER], pid3: `T-1^^^&${OWN}&ISO^PI` }),
    ]);
    expect(answers.map((a) => [a.code, a.err?.location, a.err?.reason])).toEqual([
      ['AR', 'MSH^1^8', 'not-authenticated'],
      ['AR', 'MSH^1^8', 'not-authenticated'],
      ['AR', 'MSH^1^4', 'sending-facility'],
      ['AR', 'MSH^1^4', 'sending-facility'],
    ]);
    expect(answers.every((a) => a.message.charset === 'ISO-2022-JP')).toBe(true);
    expect(await record('T-1')).toBeUndefined();
    expect(await record('T-1', OTHER)).toBeUndefined();
    const audited = (await mpiAudit(hub)).slice(before);
    expect(audited.map((e) => [e.outcome, (e.detail as Record<string, string>).ack])).toEqual(
      Array(4).fill(['4', 'AR']),
    );
  });

  it('answers a patient of another facility in PID-3 AE 204 at PID^1^3, and invalid data AE 102 at its field', async () => {
    const [foreign, badSex] = await send(listener.port, [
      jahisAdt({ pid3: `9999013^^^&${OTHER}&ISO^PI` }),
      v2Message('ADT^A08^ADT_A01', [
        'EVN|A08|20261207',
        `PID|||S-1^^^&${OWN}&ISO^PI||試験^太郎^^^^^L^I||19500101|X`,
      ]),
    ]);
    expect(foreign).toMatchObject({ code: 'AE', err: { code: '204', location: 'PID^1^3' } });
    expect(badSex).toMatchObject({ code: 'AE', err: { code: '102', location: 'PID^1^8' } });
    expect(await record('9999013', OTHER)).toBeUndefined();
    expect(await record('S-1')).toBeUndefined();
  });

  it('answers broken and unsupported messages AR with ERR, and keeps serving the connection', async () => {
    const answers = await send(listener.port, [
      new TextEncoder().encode('hello, hub'),
      new TextEncoder().encode('MSH|^~\\&|EHR'),
      new Uint8Array([
        ...new TextEncoder().encode('MSH|^~\\&|A|B|C|D|2026||ADT^A08|1|P|2.5||||||UNICODE UTF-8\rPID|||'),
        0xff,
        0xfe,
      ]),
      v2Message('ORU^R01^ORU_R01', ['PID|||X-1']),
      v2Message('ADT^A03^ADT_A03', ['PID|||X-1']),
      jahisAdt(),
    ]);
    expect(answers.map((a) => [a.code, a.err?.code])).toEqual([
      ['AR', '100'],
      ['AR', '101'],
      ['AR', '102'],
      ['AR', '200'],
      ['AR', '201'],
      ['AA', undefined],
    ]);
    const audited = (await mpiAudit(hub)).slice(-6);
    expect(audited.map((e) => (e.detail as Record<string, string>).operation)).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'ITI-8',
    ]);
  });
});
