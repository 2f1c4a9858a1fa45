import { PeriodicJob } from '@hie/platform';
import type { Selectable } from 'kysely';
import type { HubDeps } from '../http.js';
import { timeOrderedId } from '../mpi/records.js';
import type { HubPixConsumerTable } from '../store/ihe-tables.js';
import { visibleIds } from './identities.js';
import { registrationSubject } from './person.js';
import { SOAP_CONTENT_TYPE, soapResponse } from './soap.js';
import { hubOids, type Ii, transmissionWrapper, trigger, V3, v3Path } from './v3.js';
import { el, parseXmlSafely } from './xml.js';

/** Changes younger than this are left for the next round: a transaction still open may add older ids. */
const SETTLE_MS = 5_000;
const BATCH = 100;
const BACKOFF_MS = [5_000, 30_000, 120_000, 600_000];

/**
 * ITI-46 PIX Update Notification: when the patient index makes or changes the regional id behind one of
 * a facility's patients (a new record linked, a review decided, an office merge or unlink), that
 * facility's PIX Consumer is sent `PRPA_IN201302UV02` with the patient's ids as they are *now* — the
 * regional id and the facility's own ids, never another facility's (as ITI-45). The index's own history
 * (`mpi_history`) is the outbox: a cursor per consumer moves only when the consumer acknowledged, so an
 * outage loses nothing and notifications stay in order for every patient; failures back off.
 */
export class PixNotifier extends PeriodicJob {
  constructor(
    private readonly deps: HubDeps,
    private readonly options: { intervalMs?: number; settleMs?: number; onError?: (e: unknown) => void } = {},
  ) {
    super({ intervalMs: options.intervalMs ?? 2000, onError: options.onError });
  }

  /** One round over every active consumer that is not backing off. */
  protected async runRound(): Promise<void> {
    const now = this.deps.now();
    const consumers = await this.deps.store.db
      .selectFrom('hub_pix_consumer')
      .selectAll()
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('retry_at', 'is', null), eb('retry_at', '<=', now.toISOString())]))
      .execute();
    for (const consumer of consumers) await this.deliver(consumer, now);
  }

  private async deliver(consumer: Selectable<HubPixConsumerTable>, now: Date) {
    const db = this.deps.store.db;
    const settled = timeOrderedId(now.getTime() - (this.options.settleMs ?? SETTLE_MS));
    const changes = await db
      .selectFrom('mpi_history')
      .select(['id', 'local_id'])
      .where('facility_oid', '=', consumer.facility_oid)
      .where('id', '>', consumer.cursor)
      .where('id', '<', settled)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (changes.length === 0) return;
    let cursor = consumer.cursor;
    let delivered = consumer.delivered;
    let refused: string | null = null;
    let unreachable: string | null = null;
    const told = new Set<string>();
    for (const change of changes) {
      // One message per patient per round: it carries the ids as they are now.
      if (!told.has(change.local_id)) {
        const outcome = await this.notify(consumer, change.local_id);
        if (outcome.retry) {
          unreachable = outcome.error;
          break;
        }
        if (outcome.error) refused = outcome.error;
        else delivered++;
        told.add(change.local_id);
      }
      cursor = change.id;
    }
    const failures = unreachable ? consumer.failures + 1 : 0;
    const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length) - 1] ?? 0;
    await db
      .updateTable('hub_pix_consumer')
      .set({
        cursor,
        delivered,
        failures,
        last_attempt_at: now.toISOString(),
        last_error: unreachable ?? refused,
        retry_at: unreachable ? new Date(now.getTime() + wait).toISOString() : null,
      })
      .where('facility_oid', '=', consumer.facility_oid)
      .execute();
  }

  /** Sends one patient's ids; `retry` when the consumer could not be reached or failed (HTTP). */
  private async notify(
    consumer: { facility_oid: string; endpoint: string },
    localId: string,
  ): Promise<{ retry: boolean; error: string | null }> {
    const db = this.deps.store.db;
    const record = await db
      .selectFrom('mpi_record')
      .select('person_id')
      .where('facility_oid', '=', consumer.facility_oid)
      .where('local_id', '=', localId)
      .executeTakeFirst();
    if (!record) return { retry: false, error: null };
    const ids = await visibleIds(this.deps, consumer.facility_oid, record.person_id);
    const body = soapResponse(
      'urn:hl7-org:v3:PRPA_IN201302UV02',
      null,
      this.message(consumer.facility_oid, ids),
    );
    let text: string;
    try {
      const response = await this.deps.fetch(consumer.endpoint, {
        method: 'POST',
        headers: { 'content-type': `${SOAP_CONTENT_TYPE}; action="urn:hl7-org:v3:PRPA_IN201302UV02"` },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      text = await response.text();
      if (!response.ok) return { retry: true, error: `HTTP ${response.status}` };
    } catch (error) {
      return {
        retry: true,
        error: `unreachable: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300),
      };
    }
    try {
      const doc = parseXmlSafely(text);
      const ack = doc.getElementsByTagNameNS(V3, 'acknowledgement')[0];
      const code = v3Path(ack ?? null, 'typeCode')?.getAttribute('code') ?? '';
      if (code === 'AA' || code === 'CA') return { retry: false, error: null };
      return { retry: false, error: `the consumer answered ${code || 'no acknowledgement'} for ${localId}` };
    } catch {
      return { retry: true, error: 'the consumer’s answer is not an acknowledgement' };
    }
  }

  private message(facilityOid: string, ids: Ii[]): string {
    const oids = hubOids(this.deps.settings);
    return el(
      'PRPA_IN201302UV02',
      { xmlns: V3, ITSVersion: 'XML_1.0' },
      transmissionWrapper(
        'PRPA_IN201302UV02',
        { receiverDevice: facilityOid, acceptAckCode: 'AL' },
        this.deps.settings,
        this.deps.now(),
      ),
      el(
        'controlActProcess',
        { classCode: 'CACT', moodCode: 'EVN' },
        trigger('PRPA_TE201302UV02'),
        registrationSubject(ids, null).replace(
          '</registrationEvent>',
          `${el('custodian', { typeCode: 'CST' }, el('assignedEntity', { classCode: 'ASSIGNED' }, el('id', { root: oids.device })))}</registrationEvent>`,
        ),
      ),
    );
  }
}
