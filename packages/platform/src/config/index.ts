export { ConfigError, type LoadConfigOptions, loadConfig } from './load.js';
