// Test support for the IHE endpoints: the published samples, the systems of five facilities named after
// the samples' domains (so the messages are sent unchanged), envelopes, message builders, a reader.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Engine } from '@hie/platform';
import { DOMParser, XMLSerializer, type Element as XmlElement } from '@xmldom/xmldom';
import type { HubRoutes } from '../http.js';
import { type HubUnderTest, hubUnderTest, seedFacility } from '../testing.js';
import { iheRoutes } from './routes.js';

export const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
export const envelope = (
  payload: string,
  action: string,
  messageId = 'urn:uuid:0f1e2d3c-0000-4000-8000-000000000001',
) =>
  `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing"><env:Header><wsa:Action env:mustUnderstand="true">${action}</wsa:Action><wsa:MessageID>${messageId}</wsa:MessageID></env:Header><env:Body>${payload.replace(/^<\?xml[^>]*\?>/, '')}</env:Body></env:Envelope>`;

/** Facilities named after the samples' domains, so the published messages are sent unchanged. */
export const EPD_SOURCE = '1.3.6.1.4.1.21367.2017.2.5.89'; // ITI-44 sample's local id domain
export const EPD_QUERIER = '1.3.6.1.4.1.21367.2017.2.5.103'; // ITI-45 sample's patientIdentifier domain
export const MESA_A = '1.3.6.1.4.1.21367.2005.1.1';
export const MESA_B = '1.3.6.1.4.1.21367.2005.1.2';
export const MERGE_SOURCE = '1.2.3.4.5.1000'; // ITI-44 merge sample's surviving id domain (IPF)
export const TOKENS: Record<string, string> = {
  [EPD_SOURCE]: 'token-epd-source-0123456789',
  [EPD_QUERIER]: 'token-epd-querier-0123456789',
  [MESA_A]: 'token-mesa-a-0123456789abcdef',
  [MESA_B]: 'token-mesa-b-0123456789abcdef',
  [MERGE_SOURCE]: 'token-merge-source-0123456789',
};
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
export const V3 = 'urn:hl7-org:v3';

export function read(xml: string) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const all = (local: string) => Array.from(doc.getElementsByTagNameNS(V3, local));
  const one = (local: string) => all(local)[0];
  return {
    doc,
    all,
    ack: one('acknowledgement')?.getElementsByTagNameNS(V3, 'typeCode')[0]?.getAttribute('code'),
    detail: all('acknowledgementDetail').map((d) => ({
      code: d.getElementsByTagNameNS(V3, 'code')[0]?.getAttribute('code'),
      location: d.getElementsByTagNameNS(V3, 'location')[0]?.textContent,
    })),
    queryResponse: one('queryResponseCode')?.getAttribute('code'),
    patientIds: all('patient')
      .flatMap((p) => Array.from(p.childNodes))
      .filter((n) => (n as XmlElement).localName === 'id')
      .map((n) => `${(n as XmlElement).getAttribute('root')}|${(n as XmlElement).getAttribute('extension')}`),
    relatesTo: doc.getElementsByTagNameNS('http://www.w3.org/2005/08/addressing', 'RelatesTo')[0]
      ?.textContent,
    action: doc.getElementsByTagNameNS('http://www.w3.org/2005/08/addressing', 'Action')[0]?.textContent,
  };
}

/** A hub with only the IHE endpoints, and the samples' systems' facilities holding their feed tokens. */
export async function iheHub(
  engine: Engine,
  routes: readonly HubRoutes[] = [],
  options: { now?: () => Date; https?: { key: Buffer; cert: Buffer; clientCa?: Buffer } } = {},
): Promise<HubUnderTest> {
  const hub = await hubUnderTest(engine, routes, {
    outside: [iheRoutes],
    settings: { pixNotifyMs: 0, hpdPushMs: 0 },
    ...(options.now ? { now: options.now } : {}),
    ...(options.https ? { https: options.https } : {}),
  });
  await seedSystems(hub, TOKENS);
  return hub;
}

/** A facility per OID of `tokens`, each holding its feed token (its institution code the OID's last arc). */
export async function seedSystems(
  hub: HubUnderTest,
  tokens: Readonly<Record<string, string>>,
): Promise<void> {
  for (const [oid, token] of Object.entries(tokens)) {
    await seedFacility(hub.store, { oid });
    await hub.store.db
      .updateTable('hub_facility')
      .set({ feed_token_hash: sha256(token) })
      .where('oid', '=', oid)
      .execute();
  }
}

/**
 * A request over TLS to `port` trusting the test CA of `certs`, presenting `client` (a `<name>.crt`/`.key`
 * pair of `certs`) or no certificate; POST with a SOAP body, or GET without.
 */
export const overTls = (
  certs: { pem(name: string): Buffer },
  port: number,
  path: string,
  body: string | null,
  client: string | null,
  bearer?: string,
) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === null ? 'GET' : 'POST',
        servername: 'localhost',
        ca: certs.pem('ca.crt'),
        ...(client ? { cert: certs.pem(`${client}.crt`), key: certs.pem(`${client}.key`) } : {}),
        headers: {
          ...(body !== null ? { 'content-type': 'application/soap+xml; charset=UTF-8' } : {}),
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (c) => {
          text += c;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });

/** POSTs to an endpoint as a facility's system (null: no token). */
export const poster =
  (hubOf: () => HubUnderTest, endpoint: '/ihe/pix' | '/ihe/pdq' | '/ihe/hpd') =>
  (body: string, facility: string | null, contentType = 'application/soap+xml; charset=UTF-8') =>
    hubOf().app.inject({
      method: 'POST',
      url: endpoint,
      headers: {
        'content-type': contentType,
        ...(facility ? { authorization: `Bearer ${TOKENS[facility]}` } : {}),
      },
      payload: body,
    });

/** A V3 message of `interaction` from `facility`'s system with `controlAct` inside its controlActProcess. */
export const message = (interaction: string, facility: string, trigger: string, controlAct: string) =>
  envelope(
    `<${interaction.replace(/_(Continue|Cancel)$/, '')} xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id root="1.2.3" extension="m-${Math.random().toString(36).slice(2)}"/><creationTime value="20261207100000"/><interactionId root="2.16.840.1.113883.1.6" extension="${interaction.replace(/_(Continue|Cancel)$/, '')}"/><processingCode code="P"/><processingModeCode code="T"/><acceptAckCode code="AL"/><receiver typeCode="RCV"><device classCode="DEV" determinerCode="INSTANCE"><id root="1.2.392.200284.0.1"/></device></receiver><sender typeCode="SND"><device classCode="DEV" determinerCode="INSTANCE"><id root="${facility}.9"/></device></sender><controlActProcess classCode="CACT" moodCode="EVN"><code code="${trigger}" codeSystem="2.16.840.1.113883.1.6"/>${controlAct}</controlActProcess></${interaction.replace(/_(Continue|Cancel)$/, '')}>`,
    `urn:hl7-org:v3:${interaction}`,
  );

/** An ITI-44 add of a Japanese patient (kanji and kana names, birth, sex, address). */
export const feedMessage = (
  facility: string,
  localId: string,
  who: { kanji: [string, string]; kana: [string, string]; birth?: string; sex?: string } = {
    kanji: ['桃山', 'ウメ'],
    kana: ['モモヤマ', 'ウメ'],
  },
) =>
  message(
    'PRPA_IN201301UV02',
    facility,
    'PRPA_TE201301UV02',
    `<subject typeCode="SUBJ"><registrationEvent classCode="REG" moodCode="EVN"><statusCode code="active"/><subject1 typeCode="SBJ"><patient classCode="PAT"><id root="${facility}" extension="${localId}"/><statusCode code="active"/><patientPerson classCode="PSN" determinerCode="INSTANCE"><name use="IDE"><family>${who.kanji[0]}</family><given>${who.kanji[1]}</given></name><name use="SYL"><family>${who.kana[0]}</family><given>${who.kana[1]}</given></name><administrativeGenderCode code="${who.sex ?? 'F'}" codeSystem="2.16.840.1.113883.12.1"/><birthTime value="${who.birth ?? '19380402'}"/><addr><postalCode>7000001</postalCode><state>岡山県</state><city>岡山市北区</city><streetAddressLine>桃山町1-2</streetAddressLine></addr></patientPerson></patient></subject1></registrationEvent></subject>`,
  );

/**
 * node-schematron (XPath 3.1 by fontoxpath, so Gazelle's `matches()` runs), loaded untyped: its type
 * declarations bring the DOM library into the whole project's typecheck.
 */
interface Schematron {
  validateString(xml: string, options: { phaseId: string }): { isReport: boolean; message: string }[];
}
const { Schema } = createRequire(import.meta.url)('node-schematron') as {
  Schema: { fromString(xml: string): Schematron };
};
let gazelle: Schematron | undefined;

/**
 * The Gazelle PIX/PDQ V3 Schematron's errors for the HL7 V3 message in a SOAP envelope (or a bare one),
 * in the phase of its interaction: [] when it conforms.
 */
export function gazelleErrors(xml: string): string[] {
  gazelle ??= Schema.fromString(fixture('ipf/gazelle-pixpdqv3.sch.xml'));
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const body = doc.getElementsByTagNameNS('http://www.w3.org/2003/05/soap-envelope', 'Body')[0];
  const payload = body ? Array.from(body.childNodes).find((n) => n.nodeType === 1) : doc.documentElement;
  if (!payload) return ['no payload'];
  const text = new XMLSerializer().serializeToString(payload as never);
  const phaseId = (payload as unknown as XmlElement).localName ?? '';
  return gazelle
    .validateString(text, { phaseId })
    .filter((r) => !r.isReport)
    .map((r) => `${phaseId}: ${r.message.trim().split('\n')[0]}`);
}

const ACK = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><MCCI_IN000002UV01 xmlns="urn:hl7-org:v3"><acknowledgement><typeCode code="CA"/></acknowledgement></MCCI_IN000002UV01></env:Body></env:Envelope>`;

/** A facility system's PIX Consumer (ITI-46) on a port of this machine: keeps what it is told; can be down or failing. */
export async function startConsumer() {
  const received: { action: string | undefined; ids: string[]; body: string }[] = [];
  let failing = false;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (c) => {
      body += c;
    });
    request.on('end', () => {
      if (failing) {
        response.writeHead(503).end();
        return;
      }
      const doc = new DOMParser().parseFromString(body, 'application/xml');
      const patient = doc.getElementsByTagNameNS(V3, 'patient')[0];
      const ids = Array.from(patient?.childNodes ?? [])
        .filter((n) => (n as { localName?: string }).localName === 'id')
        .map((n) => {
          const e = n as unknown as { getAttribute(name: string): string | null };
          return `${e.getAttribute('root')}|${e.getAttribute('extension')}`;
        });
      received.push({
        action:
          doc.getElementsByTagNameNS('http://www.w3.org/2005/08/addressing', 'Action')[0]?.textContent ??
          undefined,
        ids,
        body,
      });
      response.writeHead(200, { 'content-type': 'application/soap+xml' }).end(ACK);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pix-consumer`,
    received,
    fail: (value: boolean) => {
      failing = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
