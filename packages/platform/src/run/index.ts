export { Periodic } from './periodic.js';
