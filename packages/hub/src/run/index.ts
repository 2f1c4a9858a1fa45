export {
  completeHubConfig,
  HUB_ENV,
  type HubConfig,
  type HubConfigInput,
  hubConfigSchema,
  hubSettingsOf,
  loadHubConfig,
} from './config.js';
export { hubSigningKey, type RunningHub, runHubUntilSignal, startHub } from './hub.js';
