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
export type { DemoPatient, DemoSeedResult } from './seed.js';
