// The gateway's patient identity feed to the hub's MPI.
export {
  CHECKPOINT_NAME,
  type FeedCheckpoint,
  pendingCount,
  readCheckpoint,
  resetCheckpoint,
  storedFeedState,
} from './checkpoint.js';
export { FEED_PATH, type FeedAnswer, type HubFeedTarget, postIdentities } from './client.js';
export {
  type FeederOptions,
  type FeederStatus,
  type FeedFailure,
  type FeedFailureKind,
  type FeedLog,
  type FeedRunResult,
  IdentityFeeder,
  MAX_FEED_BATCH,
} from './feeder.js';
export { type FeedIdentity, identityOf } from './identity.js';
export { renderFeedMetrics } from './metrics.js';
