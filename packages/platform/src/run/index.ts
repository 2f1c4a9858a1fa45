export { Periodic, PeriodicJob } from './periodic.js';
