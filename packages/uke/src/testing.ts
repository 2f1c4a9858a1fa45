// Test support (not built): the fixture masters, a fixture month file and synthetic months, for this
// package's tests and the units that import UKE files (the repository).
export { FIXTURE_NAME, fixtureBytes, fixtureText } from './testing/fixture-file.js';
export { fixtureMasters, masterBytes } from './testing/masters.js';
export { claimArb, type GenClaim, monthFile } from './testing/month.js';
