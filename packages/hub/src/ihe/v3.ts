import { randomUUID } from 'node:crypto';
import type { Element as XmlElement } from '@xmldom/xmldom';
import type { HubSettings } from '../http.js';
import { attr, child, children, el, path, t } from './xml.js';

/** HL7 V3 (the PIX/PDQ V3 transactions' payloads): ids, the transmission wrapper, acknowledgements. */
export const V3 = 'urn:hl7-org:v3';
const INTERACTION_SYSTEM = '2.16.840.1.113883.1.6';
const ACK_DETAIL_SYSTEM = '2.16.840.1.113883.12.357';

export interface Ii {
  root: string;
  extension: string | null;
}

export const iiOf = (element: XmlElement | null): Ii | null => {
  const root = attr(element, 'root');
  return root ? { root, extension: attr(element, 'extension') } : null;
};

export const iiXml = (name: string, ii: Ii) =>
  el(name, { root: ii.root, extension: ii.extension ?? undefined });

/**
 * The hub's own OIDs under `oidRoot` (arc 0 is never a prefecture): its device (sender of every answer)
 * and the domain of the regional person id.
 */
export function hubOids(settings: Pick<HubSettings, 'oidRoot'>) {
  return {
    device: `${settings.oidRoot}.0.1`,
    regionalId: `${settings.oidRoot}.0.2`,
    /** The network as an IHE community (XCPD custodian, XCA homeCommunityId). */
    homeCommunity: `${settings.oidRoot}.0.3`,
  };
}

export interface V3Request {
  interaction: string;
  id: Ii | null;
  senderDevice: string | null;
  receiverDevice: string | null;
  controlAct: XmlElement | null;
}

/** Reads a V3 message's wrapper. */
export function readV3(payload: XmlElement): V3Request {
  return {
    interaction: payload.localName ?? '',
    id: iiOf(child(payload, V3, 'id')),
    senderDevice: attr(path(payload, V3, 'sender', 'device', 'id'), 'root'),
    receiverDevice: attr(path(payload, V3, 'receiver', 'device', 'id'), 'root'),
    controlAct: child(payload, V3, 'controlActProcess'),
  };
}

export const v3Children = (element: XmlElement | null, local: string) => children(element, V3, local);
export const v3Path = (element: XmlElement | null, ...locals: string[]) => path(element, V3, ...locals);

const hl7Time = (at: Date) => {
  const tokyo = new Date(at.getTime() + 9 * 3600_000).toISOString();
  return `${tokyo.slice(0, 4)}${tokyo.slice(5, 7)}${tokyo.slice(8, 10)}${tokyo.slice(11, 13)}${tokyo.slice(14, 16)}${tokyo.slice(17, 19)}+0900`;
};

/**
 * The transmission wrapper of a message the hub sends: a new id, the interaction, its device as sender.
 * `acceptAckCode` AL asks for an acknowledgement (a notification), NE does not (an answer).
 */
export function transmissionWrapper(
  interaction: string,
  to: { receiverDevice: string | null; acceptAckCode: 'AL' | 'NE' },
  settings: Pick<HubSettings, 'oidRoot'>,
  now: Date,
): string {
  const device = (typeCode: string, tag: string, root: string | null) =>
    el(
      tag,
      { typeCode },
      el(
        'device',
        { classCode: 'DEV', determinerCode: 'INSTANCE' },
        el('id', { root: root ?? undefined, nullFlavor: root ? undefined : 'UNK' }),
      ),
    );
  return [
    el('id', { root: randomUUID() }),
    el('creationTime', { value: hl7Time(now) }),
    el('interactionId', { root: INTERACTION_SYSTEM, extension: interaction }),
    el('processingCode', { code: 'P' }),
    el('processingModeCode', { code: 'T' }),
    el('acceptAckCode', { code: to.acceptAckCode }),
    device('RCV', 'receiver', to.receiverDevice),
    device('SND', 'sender', hubOids(settings).device),
  ].join('');
}

/** The wrapper of an answer: the request's sender is its receiver; no acknowledgement asked. */
export const answerWrapper = (
  interaction: string,
  request: V3Request,
  settings: Pick<HubSettings, 'oidRoot'>,
  now: Date,
): string =>
  transmissionWrapper(
    interaction,
    { receiverDevice: request.senderDevice, acceptAckCode: 'NE' },
    settings,
    now,
  );

export interface AckDetail {
  /** HL7 table 0357: 204 unknown key identifier, 207 application internal error, 101 required field missing … */
  code: string;
  text: string;
  /** XPath of the culprit in the request. */
  location?: string;
}

/** `acknowledgement` with AA / AE / AR, the request's id as target, and error details. */
export function acknowledgement(
  typeCode: 'AA' | 'AE' | 'AR',
  request: V3Request,
  details: AckDetail[] = [],
): string {
  return el(
    'acknowledgement',
    {},
    el('typeCode', { code: typeCode }),
    el('targetMessage', {}, request.id ? iiXml('id', request.id) : el('id', { nullFlavor: 'UNK' })),
    ...details.map((d) =>
      el(
        'acknowledgementDetail',
        { typeCode: 'E' },
        el('code', { code: d.code, codeSystem: ACK_DETAIL_SYSTEM }),
        el('text', {}, t(d.text)),
        d.location ? el('location', {}, t(d.location)) : '',
      ),
    ),
  );
}

export const trigger = (code: string) => el('code', { code, codeSystem: INTERACTION_SYSTEM });
