// The whole network on one machine (npm start, the browser tests, bench/web): hub + gateways + demo data.

// The demo's logins carry TOTP secrets: their current code, for scripts and browser tests.
export { totpNow } from '@hie/hub';
export { japaneseBirthDate, tryHint } from './banner.js';
export {
  DEMO_FACILITIES,
  DEMO_PASSWORD,
  DEMO_USERS,
  type DemoFacility,
  type DemoUserSpec,
} from './facilities.js';
export { DEMO_CARD_P12_PASSWORD, DEMO_HPKI_PORT, type DemoCard } from './hpki.js';
export { NEIGHBOUR, type NeighbourNetwork } from './neighbour.js';
export {
  type DemoLogin,
  type DemoNetwork,
  type DemoNetworkOptions,
  generateDemoStorage,
  startDemoNetwork,
} from './network.js';
export type { DemoSeedResult } from './seed.js';
export { findShowcase, HBA1C_JLAC10, type Showcase, type ShowcasePatient } from './showcase.js';
