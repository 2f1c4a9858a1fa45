import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { Periodic } from '../run/periodic.js';
import type { Store } from '../store/open.js';
import type { AuditRecord } from './record.js';
import type { AuditSchema } from './schema.js';
import { type SyslogTarget, sendSyslog } from './syslog-witness.js';

/**
 * ATNA (IHE ITI-20 Record Audit Event): every event of a unit's audit chain, as a DICOM audit message
 * (PS3.15 A.5, RFC 3881 heritage) in RFC 5424 syslog over TLS (RFC 5425) to an audit record repository.
 * The chain itself is the queue: a cursor (`audit_forward`) says how far the repository has it, and moves
 * only after a batch is written and the connection closed cleanly — a repository outage loses nothing,
 * the forwarder catches up when it is back. A crash between writing and moving the cursor sends a batch
 * twice (at least once); plain syslog has no acknowledgement (RELP would).
 */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const x = (v: string) =>
  v.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '').replace(/[&<>"]/g, (c) => ESC[c] ?? c);
const attrs = (a: Record<string, string | undefined>) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => ` ${k}="${x(v as string)}"`)
    .join('');
const code = (tag: string, csd: string, system: string, text: string) =>
  `<${tag}${attrs({ 'csd-code': csd, codeSystemName: system, originalText: text })}/>`;

/** DCM EventID by what happened (PS3.16 CID 400): authentication, query, patient record, export, security alert. */
function eventIdOf(record: AuditRecord): [string, string] {
  if (record.type === 'login' || record.type === 'logout') return ['110114', 'User Authentication'];
  if (record.type === 'search' || (record.action === 'E' && record.type === 'mpi'))
    return ['110112', 'Query'];
  if (record.type === 'audit') return ['110106', 'Export'];
  if (record.type === 'break-glass' || record.type === 'gateway-misbehaviour')
    return ['110113', 'Security Alert'];
  if (record.patient || record.type === 'view' || record.type === 'consent' || record.type === 'cabinet') {
    return ['110110', 'Patient Record'];
  }
  return ['110100', 'Application Activity'];
}

export interface AtnaSite {
  /** AuditSourceID: the unit (`hub`, a gateway's facility OID). */
  sourceId: string;
  /** AuditEnterpriseSiteID: the network (its OID root). */
  enterpriseSiteId?: string;
}

/** One audit event as a DICOM audit message (XML, UTF-8). */
export function atnaAuditMessage(
  event: { seq: number; recordedAt: string; record: AuditRecord },
  site: AtnaSite,
): string {
  const r = event.record;
  const [eventId, eventName] = eventIdOf(r);
  const typeCodes = [
    code('EventTypeCode', r.type, 'urn:hie:audit-type', r.type),
    r.type === 'login' ? code('EventTypeCode', '110122', 'DCM', 'Login') : '',
    r.type === 'logout' ? code('EventTypeCode', '110123', 'DCM', 'Logout') : '',
    r.detail?.operation?.startsWith('ITI-')
      ? code('EventTypeCode', r.detail.operation, 'IHE Transactions', r.detail.operation)
      : '',
  ].join('');
  const purpose = r.purposeOfUse ? code('PurposeOfUse', r.purposeOfUse, 'v3-ActReason', r.purposeOfUse) : '';
  const agent = r.agent
    ? `<ActiveParticipant${attrs({
        UserID: r.agent.userId,
        AlternativeUserID: r.agent.facilityOid,
        UserName: r.agent.name,
        UserIsRequestor: 'true',
        NetworkAccessPointID: r.agent.address,
        NetworkAccessPointTypeCode: r.agent.address
          ? /^[\d.]+$|:/.test(r.agent.address)
            ? '2'
            : '1'
          : undefined,
      })}>${r.agent.profession ? code('RoleIDCode', r.agent.profession, 'urn:hie:profession', r.agent.profession) : ''}</ActiveParticipant>`
    : '';
  const patient = r.patient
    ? `<ParticipantObjectIdentification${attrs({
        ParticipantObjectID:
          r.patient.personId ?? `${r.patient.localId ?? ''}^^^&${r.patient.facilityOid ?? ''}&ISO`,
        ParticipantObjectTypeCode: '1',
        ParticipantObjectTypeCodeRole: '1',
      })}>${code('ParticipantObjectIDTypeCode', '2', 'RFC-3881', 'Patient Number')}</ParticipantObjectIdentification>`
    : '';
  const objects = (r.entities ?? [])
    .slice(0, 100)
    .map(
      (entity) =>
        `<ParticipantObjectIdentification${attrs({
          ParticipantObjectID: entity,
          ParticipantObjectTypeCode: '2',
          ParticipantObjectTypeCodeRole: '4',
        })}>${code('ParticipantObjectIDTypeCode', '12', 'RFC-3881', 'URI')}</ParticipantObjectIdentification>`,
    )
    .join('');
  const details = Object.entries(r.detail ?? {})
    .slice(0, 20)
    .map(
      ([k, v]) =>
        `<ParticipantObjectDetail${attrs({ type: k, value: Buffer.from(v, 'utf8').toString('base64') })}/>`,
    )
    .join('');
  const detailObject = details
    ? `<ParticipantObjectIdentification${attrs({
        ParticipantObjectID: `audit-event/${event.seq}`,
        ParticipantObjectTypeCode: '2',
        ParticipantObjectTypeCodeRole: '13',
      })}>${code('ParticipantObjectIDTypeCode', 'audit-detail', 'urn:hie:audit', 'details')}${details}</ParticipantObjectIdentification>`
    : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?><AuditMessage>' +
    `<EventIdentification${attrs({
      EventActionCode: r.action,
      EventDateTime: event.recordedAt,
      EventOutcomeIndicator: r.outcome,
    })}>${code('EventID', eventId, 'DCM', eventName)}${typeCodes}${
      r.outcomeDescription
        ? `<EventOutcomeDescription>${x(r.outcomeDescription)}</EventOutcomeDescription>`
        : ''
    }${purpose}</EventIdentification>` +
    agent +
    `<AuditSourceIdentification${attrs({ AuditEnterpriseSiteID: site.enterpriseSiteId, AuditSourceID: site.sourceId })}>` +
    '<AuditSourceTypeCode csd-code="4"/></AuditSourceIdentification>' +
    patient +
    objects +
    detailObject +
    '</AuditMessage>'
  );
}

/** facility 10 (security/authorization, as IHE ITI TF-2 3.20.4.1.1 shows) × 8 + severity 5 (notice). */
const PRI = 10 * 8 + 5;

/** RFC 5424 with MSGID `IHE+RFC-3881` (IHE ITI TF-2 3.20.4.1.2.1) and the XML as MSG. */
export function atnaSyslogMessage(
  event: { seq: number; recordedAt: string; record: AuditRecord },
  site: AtnaSite,
  appName = 'hie-atna',
  host = hostname(),
): string {
  const name = (s: string, max: number) => s.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-';
  return `<${PRI}>1 ${event.recordedAt} ${name(host, 255)} ${name(appName, 48)} ${process.pid} IHE+RFC-3881 - ${atnaAuditMessage(event, site)}`;
}

export interface AtnaOptions {
  target: SyslogTarget;
  site: AtnaSite;
  /** The cursor's name (one per repository). */
  name?: string;
  batch?: number;
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

type ForwardDb = Kysely<
  AuditSchema & {
    audit_forward: {
      target: string;
      seq: number | string | bigint;
      updated_at: string;
      last_error: string | null;
    };
  }
>;

/** Forwards the audit chain to an ATNA repository from the cursor on; `flush()` sends what is pending now. */
export class AtnaForwarder {
  private readonly db: ForwardDb;
  private readonly name: string;
  private readonly periodic: Periodic;

  constructor(
    store: Store<AuditSchema>,
    private readonly options: AtnaOptions,
  ) {
    this.db = store.db as unknown as ForwardDb;
    this.name = options.name ?? `syslog:${options.target.host}:${options.target.port}`;
    this.periodic = new Periodic(() => this.sendAll(), {
      intervalMs: options.intervalMs ?? 2000,
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  start(): this {
    this.periodic.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.periodic.stop();
    await this.flush().catch((error: unknown) => this.options.onError?.(error));
  }

  /** Sends every event after the cursor, batch by batch; resolves with how many the cursor moved. */
  async flush(): Promise<number> {
    const before = await this.cursor();
    await this.periodic.runNow();
    return (await this.cursor()) - before;
  }

  /** How far the repository has the chain. */
  async cursor(): Promise<number> {
    const row = await this.db
      .selectFrom('audit_forward')
      .select('seq')
      .where('target', '=', this.name)
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  private async sendAll(): Promise<void> {
    for (;;) {
      const after = await this.cursor();
      const rows = await this.db
        .selectFrom('audit_event')
        .select(['seq', 'recorded_at', 'event_json'])
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(this.options.batch ?? 200)
        .execute();
      if (rows.length === 0) return;
      const messages = rows.map((row) =>
        atnaSyslogMessage(
          {
            seq: Number(row.seq),
            recordedAt: row.recorded_at,
            record: JSON.parse(row.event_json) as AuditRecord,
          },
          this.options.site,
          this.options.target.appName,
        ),
      );
      const last = Number(rows[rows.length - 1]?.seq);
      const at = new Date().toISOString();
      try {
        await sendSyslog(this.options.target, messages);
      } catch (error) {
        await this.save(after, at, String(error instanceof Error ? error.message : error).slice(0, 500));
        throw error;
      }
      await this.save(last, at, null);
    }
  }

  private async save(seq: number, at: string, error: string | null) {
    await this.db
      .insertInto('audit_forward')
      .values({ target: this.name, seq, updated_at: at, last_error: error })
      .onConflict((oc) => oc.column('target').doUpdateSet({ seq, updated_at: at, last_error: error }))
      .execute();
  }
}
