export {
  DEMO_FACILITIES,
  DEMO_PASSWORD,
  DEMO_USERS,
  type DemoFacility,
  type DemoUserSpec,
} from './facilities.js';
export {
  type DemoLogin,
  type DemoNetwork,
  type DemoNetworkOptions,
  generateDemoStorage,
  startDemoNetwork,
} from './network.js';
export type { DemoSeedResult } from './seed.js';
export { findShowcase, HBA1C_JLAC10, type Showcase, type ShowcasePatient } from './showcase.js';
