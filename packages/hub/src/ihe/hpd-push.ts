import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { UNNAMED_PATIENT } from '@hie/contract';
import { operationOf, PeriodicJob, signAssertion } from '@hie/platform';
import type { Selectable } from 'kysely';
import { auditHub } from '../audit-record.js';
import { hashFeedToken } from '../directory/facilities.js';
import type { HubDeps } from '../http.js';
import type { HubHpdSubscriberTable } from '../store/ihe-tables.js';
import { BASE_DN, DSML, type Entry, versionedDirectory } from './hpd.js';
import { SOAP_CONTENT_TYPE, soapResponse } from './soap.js';
import { childElements, el, parseXmlSafely, t } from './xml.js';

/** The SOAP action of ITI-59 Provider Information Feed, and of its answer. */
export const HPD_FEED_ACTION = 'urn:ihe:iti:2010:ProviderInformationFeed';
export const HPD_FEED_ANSWER = 'urn:ihe:iti:2010:ProviderInformationFeedResponse';
/** The attribute of a system's own facility entry that hands it a new feed token (never stored). */
export const FEED_TOKEN_ATTRIBUTE = 'hieFeedToken';
/** Requests in one batch: a subscriber that is new gets the directory in several messages. */
const BATCH = 250;
/** Messages to one subscriber per round; the rest waits for the next round. */
const MESSAGES_PER_ROUND = 40;
const BACKOFF_MS = [5_000, 30_000, 120_000, 600_000];

type Change =
  | { op: 'add'; entry: Entry; digest: string }
  | { op: 'modify'; entry: Entry; digest: string; removed: string[] }
  | { op: 'delete'; dn: string };

interface Sent {
  digest: string;
  names: string[];
}

/** The digest of an entry's attributes, in a canonical order. */
const digests = new WeakMap<Entry, string>();

export function entryDigest(entry: Entry): string {
  const known = digests.get(entry);
  if (known) return known;
  const canonical = [...entry.attrs]
    .map(([name, values]) => [name.toLowerCase(), [...values].sort()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const digest = createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('base64url');
  digests.set(entry, digest);
  return digest;
}

/** Parents before children, organisations before the people and relationships that name them. */
const OU_ORDER = ['ou=hcregulatedorganization', 'ou=hcprofessional', 'ou=relationship'];
const rank = (dn: string) => {
  const parts = dn.toLowerCase().split(',');
  const ou = OU_ORDER.findIndex((o) => parts.includes(o));
  return parts.length * 10 + Math.max(ou, 0);
};

/** What a subscriber lacks: adds and changes in tree order, then deletions children first. */
export function changesFor(entries: readonly Entry[], sent: ReadonlyMap<string, Sent>): Change[] {
  const current = new Set<string>();
  const upserts: Change[] = [];
  for (const entry of [...entries].sort((a, b) => rank(a.dn) - rank(b.dn))) {
    current.add(entry.dn);
    const digest = entryDigest(entry);
    const before = sent.get(entry.dn);
    if (!before) upserts.push({ op: 'add', entry, digest });
    else if (before.digest !== digest) {
      const names = new Set([...entry.attrs.keys()].map((n) => n.toLowerCase()));
      upserts.push({
        op: 'modify',
        entry,
        digest,
        removed: before.names.filter((n) => !names.has(n.toLowerCase())),
      });
    }
  }
  const deletions = [...sent.keys()]
    .filter((dn) => !current.has(dn))
    .sort((a, b) => rank(b) - rank(a))
    .map((dn): Change => ({ op: 'delete', dn }));
  return [...upserts, ...deletions];
}

const values = (list: readonly string[]) => list.map((v) => el('value', {}, t(v)));

function requestXml(change: Change, id: number): string {
  const requestID = String(id);
  switch (change.op) {
    case 'add':
      return el(
        'addRequest',
        { dn: change.entry.dn, requestID },
        ...[...change.entry.attrs].map(([name, list]) => el('attr', { name }, ...values(list))),
      );
    case 'modify':
      return el(
        'modifyRequest',
        { dn: change.entry.dn, requestID },
        ...[...change.entry.attrs].map(([name, list]) =>
          el('modification', { name, operation: 'replace' }, ...values(list)),
        ),
        ...change.removed.map((name) => el('modification', { name, operation: 'delete' })),
      );
    case 'delete':
      return el('delRequest', { dn: change.dn, requestID });
  }
}

/** One answer of a batchResponse: the LDAP result code, or null for an errorResponse. */
function readResults(xml: string): Map<string, { code: number | null; text: string }> {
  const doc = parseXmlSafely(xml);
  const batch = doc.getElementsByTagNameNS(DSML, 'batchResponse')[0];
  if (!batch) throw new Error('the answer holds no DSML batchResponse');
  const results = new Map<string, { code: number | null; text: string }>();
  for (const response of childElements(batch)) {
    const id = response.getAttribute('requestID') ?? '';
    const result = childElements(response).find((c) => c.localName === 'resultCode');
    const message = childElements(response).find(
      (c) => c.localName === 'errorMessage' || c.localName === 'message',
    );
    results.set(id, {
      code: result ? Number(result.getAttribute('code')) : null,
      text: [result?.getAttribute('descr'), message?.textContent?.trim()].filter(Boolean).join(': '),
    });
  }
  return results;
}

const dnOf = (change: Change) => (change.op === 'delete' ? change.dn : change.entry.dn);

/** The receiver's path of a record server's feed endpoint, as it names it below its own root. */
const RECORD_SERVER_FEED_PATH = '/ihe/hpd-feed';

/**
 * The path an assertion is bound to: a record server (a gateway at its URL, a repository tenant at
 * `…/t/<OID>`, either behind a prefixing proxy) names `/ihe/hpd-feed` below its root, as it does FHIR
 * paths; another system's endpoint, its whole path.
 */
const feedPathOf = (url: URL) =>
  url.pathname.endsWith(RECORD_SERVER_FEED_PATH) ? RECORD_SERVER_FEED_PATH : url.pathname;

/**
 * ITI-59 Provider Information Feed, pushed: the hub's directory (the same tree ITI-58 answers) is sent
 * to every facility system the office subscribed (a gateway, the repository, an outside system) as
 * DSMLv2 add / modify / delete requests in SOAP 1.2, whenever the office changes it. What each system
 * acknowledged is kept per entry (`hub_hpd_sent`: the digest of its attributes), so a round sends only
 * what changed since, a system that was down gets everything it missed when it is back, and a new one
 * gets the whole tree. Each message carries an assertion signed with the hub's key, for that facility
 * (audience) and bound to the endpoint and to the SHA-256 of the body. A system's own facility entry
 * can carry a new feed token for it (`hieFeedToken`): made fresh for each attempt and put in force only
 * once the system acknowledged it, so a token is never stored in the clear and none is lost.
 */
export class HpdPusher extends PeriodicJob {
  constructor(
    private readonly deps: HubDeps,
    options: { intervalMs?: number; onError?: (e: unknown) => void } = {},
  ) {
    super({ intervalMs: options.intervalMs ?? 5000, onError: options.onError });
  }

  /** One round over every active subscriber that is not backing off. */
  protected async runRound(): Promise<void> {
    const now = this.deps.now();
    const subscribers = await this.deps.store.db
      .selectFrom('hub_hpd_subscriber')
      .selectAll()
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('retry_at', 'is', null), eb('retry_at', '<=', now.toISOString())]))
      .execute();
    if (subscribers.length === 0) return;
    const { version, entries } = await versionedDirectory(this.deps, BASE_DN);
    for (const subscriber of subscribers) {
      // Already has this very directory: nothing to compare (83 gateways every 5 s).
      if (subscriber.synced_version === version && subscriber.issue_feed_token !== 1) continue;
      await this.push(subscriber, entries, version, now);
    }
  }

  private async push(
    subscriber: Selectable<HubHpdSubscriberTable>,
    entries: Entry[],
    version: string,
    now: Date,
  ) {
    const db = this.deps.store.db;
    const rows = await db
      .selectFrom('hub_hpd_sent')
      .select(['dn', 'digest', 'names'])
      .where('facility_oid', '=', subscriber.facility_oid)
      .execute();
    const sent = new Map(
      rows.map((r) => [r.dn, { digest: r.digest, names: JSON.parse(r.names) as string[] }]),
    );
    let changes = changesFor(entries, sent);
    let tokenDue = subscriber.issue_feed_token === 1;
    if (changes.length === 0 && !tokenDue) {
      await db
        .updateTable('hub_hpd_subscriber')
        .set({ pending: 0, synced_version: version })
        .where('facility_oid', '=', subscriber.facility_oid)
        .execute();
      return;
    }
    let delivered = 0;
    let problem: string | null = null;
    for (let n = 0; n < MESSAGES_PER_ROUND && (changes.length > 0 || tokenDue); n++) {
      const batch = changes.slice(0, BATCH);
      const token = tokenDue && batch.length < BATCH ? `hft_${randomBytes(32).toString('base64url')}` : null;
      const outcome = await this.send(subscriber, batch, token);
      delivered += outcome.acknowledged.length;
      await this.record(subscriber.facility_oid, outcome.acknowledged);
      if (token && outcome.tokenTaken) {
        await db
          .updateTable('hub_facility')
          .set({ feed_token_hash: hashFeedToken(token), updated_at: now.toISOString() })
          .where('oid', '=', subscriber.facility_oid)
          .execute();
        await db
          .updateTable('hub_hpd_subscriber')
          .set({ issue_feed_token: 0 })
          .where('facility_oid', '=', subscriber.facility_oid)
          .execute();
        tokenDue = false;
      }
      if (outcome.error) {
        problem = outcome.error;
        const taken = new Set(outcome.acknowledged.map(dnOf));
        changes = changes.filter((c) => !taken.has(dnOf(c)));
        break;
      }
      changes = changes.slice(batch.length);
    }
    const failures = problem ? subscriber.failures + 1 : 0;
    const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length) - 1] ?? 0;
    await db
      .updateTable('hub_hpd_subscriber')
      .set({
        pending: changes.length,
        delivered: Number(subscriber.delivered) + delivered,
        failures,
        last_attempt_at: now.toISOString(),
        ...(problem ? {} : { last_success_at: now.toISOString() }),
        last_error: problem,
        retry_at: problem ? new Date(now.getTime() + wait).toISOString() : null,
        synced_version: problem || changes.length > 0 || tokenDue ? null : version,
      })
      .where('facility_oid', '=', subscriber.facility_oid)
      .execute();
  }

  /** Keeps what the subscriber acknowledged: the entries it now has, the ones it deleted. */
  private async record(facilityOid: string, acknowledged: Change[]) {
    if (acknowledged.length === 0) return;
    const db = this.deps.store.db;
    await db.transaction().execute(async (trx) => {
      for (const change of acknowledged) {
        const dn = dnOf(change);
        await trx
          .deleteFrom('hub_hpd_sent')
          .where('facility_oid', '=', facilityOid)
          .where('dn', '=', dn)
          .execute();
        if (change.op !== 'delete')
          await trx
            .insertInto('hub_hpd_sent')
            .values({
              facility_oid: facilityOid,
              dn,
              digest: change.digest,
              names: JSON.stringify([...change.entry.attrs.keys()]),
            })
            .execute();
      }
    });
  }

  /** Sends one batch; what was acknowledged, whether the feed token was, and why the rest was not. */
  private async send(
    subscriber: Selectable<HubHpdSubscriberTable>,
    batch: Change[],
    token: string | null,
  ): Promise<{ acknowledged: Change[]; tokenTaken: boolean; error: string | null }> {
    const tokenRequest = token
      ? el(
          'modifyRequest',
          {
            dn: `uid=${subscriber.facility_oid},ou=HCRegulatedOrganization,${BASE_DN}`,
            requestID: 'feed-token',
          },
          el('modification', { name: FEED_TOKEN_ATTRIBUTE, operation: 'replace' }, el('value', {}, t(token))),
        )
      : '';
    const body = soapResponse(
      HPD_FEED_ACTION,
      null,
      el(
        'batchRequest',
        { xmlns: DSML, requestID: randomUUID() },
        ...batch.map((change, i) => requestXml(change, i)),
        tokenRequest,
      ),
    );
    const none = { acknowledged: [], tokenTaken: false };
    let text: string;
    try {
      const url = new URL(subscriber.endpoint);
      const digest = createHash('sha256').update(body, 'utf8').digest('base64url');
      url.search = `?sha256=${digest}`;
      const assertion = await signAssertion(
        this.deps.signingKey,
        {
          issuer: this.deps.settings.issuer,
          audience: subscriber.facility_oid,
          userId: 'hub:hpd-feed',
          profession: 'office',
          facilityOid: subscriber.facility_oid,
          patientId: UNNAMED_PATIENT,
          purposeOfUse: 'HOPERAT',
          categories: [],
          operation: operationOf('POST', feedPathOf(url), url.search),
        },
        { now: Math.floor(this.deps.now().getTime() / 1000) },
      );
      const response = await this.deps.fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${assertion}`,
          'content-type': `${SOAP_CONTENT_TYPE}; action="${HPD_FEED_ACTION}"`,
        },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      text = await response.text();
      if (!response.ok) return { ...none, error: `HTTP ${response.status}: ${text.slice(0, 200)}` };
    } catch (error) {
      return {
        ...none,
        error: `unreachable: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300),
      };
    }
    let results: ReturnType<typeof readResults>;
    try {
      results = readResults(text);
    } catch (error) {
      return { ...none, error: `the answer is not a DSML batchResponse: ${(error as Error).message}` };
    }
    const acknowledged: Change[] = [];
    const refused: string[] = [];
    batch.forEach((change, i) => {
      const result = results.get(String(i));
      const code = result?.code ?? null;
      // 32 noSuchObject for a deletion, 68 entryAlreadyExists for an add: the subscriber has what we meant.
      if (code === 0 || (change.op === 'delete' && code === 32)) acknowledged.push(change);
      else if (change.op === 'add' && code === 68)
        acknowledged.push({ ...change, digest: '' }); // sent again as a modification next round
      else refused.push(`${dnOf(change)}: ${result ? `${code ?? 'error'} ${result.text}` : 'no answer'}`);
    });
    await auditHub(this.deps, [
      {
        type: 'admin',
        action: 'U',
        outcome: refused.length === 0 ? '0' : '4',
        agent: { userId: 'hub:hpd-feed', facilityOid: subscriber.facility_oid },
        entities: [`Organization/${subscriber.facility_oid}`],
        detail: {
          operation: 'ITI-59',
          endpoint: subscriber.endpoint,
          sent: String(batch.length),
          acknowledged: String(acknowledged.length),
          ...(token ? { feedToken: results.get('feed-token')?.code === 0 ? 'handed' : 'not taken' } : {}),
        },
      },
    ]);
    return {
      acknowledged,
      tokenTaken: token !== null && results.get('feed-token')?.code === 0,
      error:
        refused.length > 0
          ? `refused ${refused.length}: ${refused.slice(0, 3).join('; ')}`.slice(0, 500)
          : null,
    };
  }
}
