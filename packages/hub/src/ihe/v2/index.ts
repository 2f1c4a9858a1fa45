// The hub's HL7 v2 PIX/PDQ listener over MLLP (ITI-8, ITI-9, ITI-21): what run/ starts.
export { type IheMllpOptions, startIheMllp } from './listener.js';
