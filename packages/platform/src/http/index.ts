export { underBase } from './base-url.js';
export { contractHeaders, installContractHeader, peerContract } from './contract-header.js';
export { httpsServerOptions, type MutualTlsOptions } from './tls.js';
