// The patient index (PIX/PDQ manager): what other hub modules use.
export {
  blockingCandidates,
  type FeedOptions,
  type FeedOutcome,
  type FeedOutcomeKind,
  feedIdentities,
  MAX_FEED_BATCH,
  type MatchExplanation,
  scorePersons,
} from './feed.js';
export {
  decideReview,
  getPerson,
  getPersonRecords,
  getReview,
  linkRecord,
  listReviews,
  type MoveResult,
  mergePersons,
  type PersonDetail,
  type ReviewDetail,
  type ReviewSummary,
  unlinkRecord,
} from './manage.js';
export {
  type Comparison,
  compareKeys,
  DEFAULT_MATCH_MODEL,
  DEFAULT_MPI_SETTINGS,
  type FieldComparison,
  type IdentityFeed,
  type MatchKeys,
  type MatchModel,
  type MpiSettings,
  matchKeysOf,
} from './match.js';
export { kanaKey, kanjiKey } from './normalize.js';
export {
  type PdqOptions,
  type PdqQuery,
  type PersonFilter,
  type PersonSummary,
  type RecordFilter,
  searchPersons,
} from './pdq.js';
export { type RecordRef, recordColumns } from './records.js';
export { mpiRoutes, mpiSettingsOf } from './routes.js';
