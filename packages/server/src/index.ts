export * from './audit/index.js';
export * from './config/index.js';
export * from './demo/index.js';
export * from './gateway/api/index.js';
export * from './gateway/run/index.js';
export * from './hub/index.js';
export * from './store/index.js';
export * from './trust/index.js';
