// What every unit runs on: store, audit chain, config, trust (signing / verifying), HTTP helpers.
export * from './audit/index.js';
export * from './config/index.js';
export * from './http/index.js';
export * from './run/index.js';
export * from './store/index.js';
export * from './store/tenant-scope.js';
export * from './trust/index.js';
export * from './xml/index.js';
