// Test support for the gateway's tests, and for peers' tests that run a real gateway (not built). The
// API's test kit, test stores and certificates are @hie/record-source's, re-exported as before the split.
export * from '@hie/record-source/testing';
export {
  LAB_PATIENT,
  mllpTlsOn,
  signedSearch,
  startTestGateway,
  TEST_FACILITY as TEST_GATEWAY_FACILITY,
  type TestGateway,
} from './run/testing.js';
export * from './testing/orthanc.js';
