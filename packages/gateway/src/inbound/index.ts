// Inbound HL7 v2: an MLLP listener and an HTTP endpoint that file messages into gateway-owned storage.
export { type AckInput, ackCodeFor, encodeAck, type Verdict } from './ack.js';
export { type Classification, classifyMessage, messageTypeKey } from './classify.js';
export { MllpClient, type MllpClientTls, type MllpReply, type MllpSendOptions, sendMllp } from './client.js';
export {
  type FilingPlan,
  type InboundProblem,
  type InboundReason,
  planFiling,
  toIso2022Jp,
} from './entry.js';
export { type InboundHttpOptions, inboundHttpPlugin } from './http.js';
export type { InboundLog } from './log.js';
export { type MllpListener, type MllpListenerOptions, type MllpPeer, startMllpListener } from './mllp.js';
export { type InboundOptions, InboundReceiver, type InboundResult, type MessageSink } from './receiver.js';
export { certificateFingerprint } from './sender.js';
export { jstTimestamp } from './timestamp.js';
