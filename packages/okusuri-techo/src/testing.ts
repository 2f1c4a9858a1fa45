// Test support (not built): notebooks written after the spec's layouts, for this package's tests and the
// units that import お薬手帳 data (the repository).
export { PHARMACY_LINES, PHARMACY_NOTEBOOK, SPLIT_NOTEBOOK_LINES, SPLIT_PARTS } from './testing/fixtures.js';
