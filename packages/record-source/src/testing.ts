// Test support for the record source's tests, and for the gateway's and peers' tests that run its API
// over a store of their own (not built).
export * from './api/test-kit.js';
export * from './api/testing.js';
export { mediaTypeParameters, multipartParts } from './pacs/multipart.js';
export * from './testing/certificates.js';
export * from './testing/store.js';
