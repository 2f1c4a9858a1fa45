export { underBase } from './base-url.js';
export { contractHeaders, installContractHeader, peerContract } from './contract-header.js';
export { certificatePin, httpsServerOptions, type MutualTlsOptions, spkiPin } from './tls.js';
