export { statsCsv, statsRoutes } from './routes.js';
export {
  accessPerMonth,
  type FacilityTypeRow,
  type HubStats,
  hubStats,
  type MonthRow,
  monthRange,
  type ProfessionRow,
} from './stats.js';
