// Synthetic SS-MIX2 data (re-exported by the package's index.ts).

export { EXTENDED_DATA_TYPES, type ExtendedSummary } from './extended/extended.js';
export {
  checkGenerateOptions,
  DEFAULT_END_DATE,
  type GenerateOptions,
  GenerateOptionsError,
  type GenerateSummary,
  generateStorage,
} from './generate.js';
export { parseTruthLine, TRUTH_HEADER, type TruthRow } from './truth.js';
