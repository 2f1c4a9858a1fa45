// Test support for every package's tests (not built, not published).
export * from './store/testing.js';
export * from './http/test-certificates.js';
