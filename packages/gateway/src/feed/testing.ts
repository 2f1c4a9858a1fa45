// Test support: a small HTTP server standing in for the hub's feed endpoint, and a way to write a
// patient's new ADT-00 into a storage. Not exported from the package.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { feedBatchSchema } from '@hie/contract';
import { encodeHl7Text } from '@hie/hl7v2';
import { FEED_PATH, type FeedIdentity } from '@hie/record-source';
import { parseFileName, StorageWriter } from '@hie/ssmix2';
import Fastify from 'fastify';

export const TEST_FEED_TOKEN = 'feed-token-for-tests-0123456789';

export interface HubStandIn {
  url: string;
  /** Every request in arrival order: the status answered and the identities it carried. */
  requests: { status: number; identities: FeedIdentity[] }[];
  /** Identities of the requests answered 200, in order. */
  accepted(): FeedIdentity[];
  /** Answer the next requests with these statuses (then 200 again). */
  answerNext(...statuses: number[]): void;
  /** Answer 400 to every batch holding this local id (as a hub of an earlier release refused one record). */
  refuse(localId: string): void;
  /** Take every batch, but refuse this local id alone (per-record outcome `rejected`, as the hub does). */
  refuseAlone(localId: string): void;
  /** Settles once this many identities have been accepted in total. */
  untilAccepted(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHubStandIn(): Promise<HubStandIn> {
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  const requests: HubStandIn['requests'] = [];
  const queued: number[] = [];
  const refused = new Set<string>();
  const refusedAlone = new Set<string>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const accepted = () => requests.filter((r) => r.status === 200).flatMap((r) => r.identities);
  app.post(FEED_PATH, async (request, reply) => {
    const identities = (request.body as { identities: FeedIdentity[] }).identities;
    let status = 200;
    if (request.headers.authorization !== `Bearer ${TEST_FEED_TOKEN}`) status = 401;
    else if (queued.length > 0) status = queued.shift()!;
    else if (identities.some((i) => refused.has(i.localId))) status = 400;
    // Like the real hub: a batch with one identity outside the contract is refused whole.
    else if (!feedBatchSchema.safeParse({ identities }).success) status = 400;
    requests.push({ status, identities });
    if (status !== 200) {
      const code = status === 401 ? 'unauthorized' : status === 400 ? 'invalid-request' : 'unavailable';
      return reply.code(status).send({ error: { code, message: `stand-in answered ${status}` } });
    }
    const total = accepted().length;
    for (const w of waiters.filter((w) => total >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    return {
      outcomes: identities.map((i) =>
        refusedAlone.has(i.localId)
          ? {
              facilityOid: i.facilityOid,
              localId: i.localId,
              outcome: 'rejected',
              reason: 'nameKanji: too long',
            }
          : {
              facilityOid: i.facilityOid,
              localId: i.localId,
              personId: `person-${i.localId}`,
              outcome: 'new',
            },
      ),
    };
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    requests,
    accepted,
    answerNext: (...statuses) => queued.push(...statuses),
    refuse: (localId) => refused.add(localId),
    refuseAlone: (localId) => refusedAlone.add(localId),
    untilAccepted: (count) =>
      accepted().length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () => app.close(),
  };
}

/**
 * Writes, through the SS-MIX2 writer, a new ADT-00 for `patientId` made from an existing ADT-00 file
 * (`from`): PID-3 and the file name take the new id, PID-11 the given postcode and address.
 * Returns the path written.
 */
export async function writeAdt(
  root: string,
  from: string,
  change: { patientId: string; postcode?: string; address?: string; timestamp: string },
): Promise<string> {
  const parsed = parseFileName(basename(from));
  if (!parsed.ok) throw new Error(parsed.message);
  const old = parsed.value.patientId;
  let text = new TextDecoder('iso-2022-jp').decode(readFileSync(from));
  text = text.split(`${old}^^^^PI`).join(`${change.patientId}^^^^PI`);
  if (change.postcode || change.address) {
    text = text.replace(
      /\|\^\^\^\^([^^|]*)\^JPN\^H\^([^|\r]*)\|/,
      (_m, postcode: string, address: string) =>
        `|^^^^${change.postcode ?? postcode}^JPN^H^${change.address ?? address}|`,
    );
  }
  return new StorageWriter(root).write({
    patientId: change.patientId,
    careDate: parsed.value.careDate,
    dataType: 'ADT-00',
    orderNo: parsed.value.orderNo,
    timestamp: change.timestamp,
    department: parsed.value.department,
    bytes: encodeHl7Text(text, 'ISO-2022-JP'),
  });
}
