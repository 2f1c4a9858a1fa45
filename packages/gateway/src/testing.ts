// Test support for the gateway's tests, and for peers' tests that run a real gateway (not built).
export * from './api/test-kit.js';
export * from './api/testing.js';
export {
  LAB_PATIENT,
  mllpTlsOn,
  signedSearch,
  startTestGateway,
  TEST_FACILITY as TEST_GATEWAY_FACILITY,
  type TestGateway,
} from './run/testing.js';
export * from './testing/certificates.js';
export * from './testing/orthanc.js';
export * from './testing/store.js';
