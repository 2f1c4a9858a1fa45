// Mutual-TLS test certificates live with the platform's TLS helpers; re-exported for the gateway's tests.
export {
  makeTestCertificates,
  type TestCertificateOptions,
  type TestCertificates,
} from '@hie/platform/testing';
