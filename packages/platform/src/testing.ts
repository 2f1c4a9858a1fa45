// Test support for every package's tests (not built, not published).

export * from './audit/rsyslog-testing.js';
export * from './http/test-certificates.js';
export * from './store/testing.js';
export * from './xml/testing.js';
