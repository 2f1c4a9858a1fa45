import { TEST_ENGINES } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubUnderTest, seedPerson } from '../../testing.js';
import { startIheMllp } from './listener.js';
import { type Answer, OTHER, OWN, OWN_CODE, REGIONAL, send, v2Hub, v2Message } from './testing.js';

const pix = (cx: string, domains = '') =>
  v2Message('QBP^Q23^QBP_Q21', [`QPD|IHE PIX Query|q-${cx.slice(0, 4)}|${cx}|${domains}`, 'RCP|I']);
const pdq = (params: string, limit = '', domains = '', charset?: 'ISO-2022-JP') =>
  v2Message(
    'QBP^Q22^QBP_Q21',
    [`QPD|IHE PDQ Query|pdq-1|${params}|||||${domains}`, `RCP|I|${limit}`],
    charset ? { charset } : {},
  );
/** PID-3's ids as `id|domain`, per PID. */
const idsOf = (a: Answer) =>
  a.message.segmentsNamed('PID').map((pid) => {
    const ids: string[] = [];
    for (let r = 1; r <= pid.repetitionCount(3); r++) ids.push(`${pid.get(3, r, 1)}|${pid.get(3, r, 4, 2)}`);
    return ids;
  });

/**
 * ITI-9 and ITI-21 over MLLP, deny by default: a facility's system learns the regional id and its own
 * ids of its own patients — another hospital's ids and patients are never told, and asking with another
 * hospital's id is answered exactly as an unknown id.
 */
describe.each(TEST_ENGINES)('HL7 v2 PIX Query ITI-9 and PDQ ITI-21 (%s)', (engine) => {
  let hub: HubUnderTest;
  let listener: { port: number; close(): Promise<void> };
  let taro: string;
  let jiro: string;
  const ask = async (frame: Uint8Array) => (await send(listener.port, [frame]))[0]!;

  beforeAll(async () => {
    hub = await v2Hub(engine);
    listener = await startIheMllp(hub.deps, { host: '127.0.0.1', port: 0 });
    const who = { nameKanji: '患者 太郎', nameKana: 'カンジャ タロウ', birthDate: '1948-04-05', sex: 'M' };
    taro = await seedPerson(hub.store, [
      { facilityOid: OWN, localId: 'Q-1', ...who },
      { facilityOid: OWN, localId: 'Q-2', ...who },
      { facilityOid: OTHER, localId: 'Z-9', ...who },
    ]);
    jiro = await seedPerson(hub.store, [
      { facilityOid: OTHER, localId: 'Z-10', nameKanji: '患者 次郎', nameKana: 'カンジャ ジロウ' },
    ]);
    await seedPerson(hub.store, [
      { facilityOid: OWN, localId: 'Q-3', nameKanji: '患者 花子', nameKana: 'カンジャ ハナコ', sex: 'F' },
    ]);
  });
  afterAll(async () => {
    await listener?.close();
    await hub?.dispose();
  });

  it('ITI-9: the regional id and the facility’s other own ids, never another facility’s; no name', async () => {
    const answer = await ask(pix(`Q-1^^^&${OWN}&ISO^PI`));
    expect(answer.code).toBe('AA');
    expect(answer.message.messageType).toEqual({ code: 'RSP', event: 'K23', structure: 'RSP_K23' });
    expect(answer.message.get('QAK-2')).toBe('OK');
    expect(answer.message.get('QPD-3.1')).toBe('Q-1');
    expect(idsOf(answer)).toEqual([[`${taro}|${REGIONAL}`, `Q-2|${OWN}`]]);
    expect(answer.message.segment('PID')?.get(3, 2, 4, 1)).toBe(OWN_CODE);
    expect(answer.message.segment('PID')?.raw(5)).toBe('^^^^^^S');

    const regionalOnly = await ask(pix(`Q-1^^^&${OWN}&ISO^PI`, `^^^&${REGIONAL}&ISO`));
    expect(idsOf(regionalOnly)).toEqual([[`${taro}|${REGIONAL}`]]);
    const byRegional = await ask(pix(`${taro}^^^&${REGIONAL}&ISO^PN`));
    expect(idsOf(byRegional)).toEqual([[`Q-1|${OWN}`, `Q-2|${OWN}`]]);
  });

  it('ITI-9: another facility’s id is answered as an unknown one; unknown domains AE 204 where they are', async () => {
    const foreign = await ask(pix(`Z-9^^^&${OTHER}&ISO^PI`));
    const unknown = await ask(pix(`NOPE^^^&${OWN}&ISO^PI`));
    for (const a of [foreign, unknown]) {
      expect(a).toMatchObject({ code: 'AE', err: { code: '204', location: 'QPD^1^3^1^1' } });
      expect(a.message.get('QAK-2')).toBe('AE');
      expect(a.message.segment('PID')).toBeUndefined();
    }
    expect(foreign.message.get('MSA-3')).toBe(unknown.message.get('MSA-3'));
    expect((await ask(pix('Q-1^^^&9.9.9&ISO'))).err).toMatchObject({ code: '204', location: 'QPD^1^3^1^4' });
    expect((await ask(pix(`Q-1^^^&${OWN}&ISO`, `^^^&${REGIONAL}&ISO~^^^&9.9.9&ISO`))).err).toMatchObject({
      code: '204',
      location: 'QPD^1^4^2',
    });
  });

  it('ITI-21: the facility’s own patients by kanji name, kanji and kana names, RCP-2 limit, QAK counts', async () => {
    const answer = await ask(pdq('@PID.5.1.1^患者', '10^RD'));
    expect(answer.code).toBe('AA');
    expect(answer.message.messageType).toEqual({ code: 'RSP', event: 'K22', structure: 'RSP_K21' });
    expect(answer.message.get('QAK-2')).toBe('OK');
    const pids = answer.message.segmentsNamed('PID');
    expect(pids).toHaveLength(2);
    expect(
      idsOf(answer)
        .flat()
        .filter((id) => id.endsWith(OTHER)),
    ).toEqual([]);
    expect(idsOf(answer).flat()).not.toContain(`${jiro}|${REGIONAL}`);
    const taroPid = pids.find((p) => p.get(3, 1, 1) === taro)!;
    expect(taroPid.raw(5)).toBe('患者^太郎^^^^^L^I~カンジャ^タロウ^^^^^L^P');
    expect([taroPid.get(7), taroPid.get(8)]).toEqual(['19480405', 'M']);

    const limited = await ask(pdq('@PID.5.1.1^患者', '1^RD'));
    expect(limited.message.segmentsNamed('PID')).toHaveLength(1);
    expect(['QAK-4', 'QAK-5', 'QAK-6'].map((p) => limited.message.get(p))).toEqual(['2', '1', '1']);

    const byKana = await ask(pdq('@PID.5.1.1^カンジャ~@PID.7^19480405', '', `^^^&${OWN}&ISO`));
    expect(idsOf(byKana)).toEqual([[`Q-1|${OWN}`, `Q-2|${OWN}`]]);
    // 患者 次郎 is a patient of the other hospital only.
    const elsewhere = await ask(pdq('@PID.5.1.1^患者~@PID.5.2^次郎'));
    expect([elsewhere.code, elsewhere.message.get('QAK-2')]).toEqual(['AA', 'NF']);
    expect(elsewhere.message.segment('PID')).toBeUndefined();
  });

  it('ITI-21: refuses an unsupported parameter, another facility’s id, an unknown domain, an empty query', async () => {
    expect((await ask(pdq('@PID.11.1^東京'))).err).toMatchObject({ code: '103', location: 'QPD^1^3^1^1' });
    expect((await ask(pdq(`@PID.3.1^Z-9~@PID.3.4.2^${OTHER}`))).err).toMatchObject({
      code: '204',
      location: 'QPD^1^3^1^2',
    });
    expect((await ask(pdq('@PID.8^M', '', '^^^&9.9.9&ISO'))).err).toMatchObject({
      code: '204',
      location: 'QPD^1^8^1',
    });
    const empty = await ask(pdq(''));
    expect([empty.code, empty.message.get('QAK-2'), empty.err?.code]).toEqual(['AE', 'AE', '101']);
  });

  it('answers a query written in ISO-2022-JP in ISO-2022-JP, names exact both ways', async () => {
    const answer = await ask(pdq('@PID.5.1.1^患者~@PID.5.2^太郎', '', '', 'ISO-2022-JP'));
    expect(answer.message.charset).toBe('ISO-2022-JP');
    expect(Buffer.from(answer.bytes).includes(Buffer.from([0x1b, 0x24, 0x42]))).toBe(true);
    expect(answer.message.get('QPD-3.2')).toBe('患者');
    expect(answer.message.segment('PID')?.raw(5)).toBe('患者^太郎^^^^^L^I~カンジャ^タロウ^^^^^L^P');
  });

  it('audits every query, answered or refused (ITI-9 / ITI-21)', async () => {
    const marker = `audit-${Date.now()}`;
    await ask(pix(`Q-1^^^&${OWN}&ISO^PI`));
    await ask(pix(`Z-9^^^&${OTHER}&ISO^PI`));
    await ask(pdq(`@PID.5.1.1^${marker}`));
    await ask(pdq('@PID.11.1^x'));
    const rows = await hub.store.db
      .selectFrom('audit_event')
      .select(['event_json', 'outcome'])
      .where('type', '=', 'mpi')
      .orderBy('seq', 'desc')
      .limit(4)
      .execute();
    const seen = rows.reverse().map((r) => {
      const e = JSON.parse(r.event_json) as {
        agent: { facilityOid: string };
        detail: Record<string, string>;
      };
      return [e.detail.operation, r.outcome, e.detail.ack, e.agent.facilityOid];
    });
    expect(seen).toEqual([
      ['ITI-9', '0', 'AA', OWN],
      ['ITI-9', '4', 'AE', OWN],
      ['ITI-21', '0', 'AA', OWN],
      ['ITI-21', '4', 'AE', OWN],
    ]);
  });
});
