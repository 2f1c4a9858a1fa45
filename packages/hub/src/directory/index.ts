export { checkDigitWarning, type DirectoryWarning } from './check-digit.js';
export type { Actor } from './common.js';
export type { ImportReport } from './csv.js';
export {
  createFacility,
  FACILITY_STATUSES,
  type Facility,
  type FacilityInput,
  type FacilityPatch,
  type FacilityStatus,
  facilityOidFor,
  getFacility,
  hashFeedToken,
  issueFeedToken,
  listDirectoryFacilities,
  listFacilities,
  updateFacility,
} from './facilities.js';
export { exportFacilitiesCsv, importFacilitiesCsv } from './facilities-csv.js';
export {
  confirmGatewayChange,
  type GatewayChange,
  listGatewayChanges,
  proposeGatewayChange,
  rejectGatewayChange,
} from './gateway-change.js';
export { directoryRoutes } from './routes.js';
export {
  type AdminScope,
  adminScopeOf,
  createUser,
  findUserByLoginId,
  getUser,
  listUsers,
  MEMBERSHIP_ROLES,
  type Membership,
  type MembershipRole,
  setMemberships,
  USER_STATUSES,
  type User,
  type UserInput,
  type UserPatch,
  type UserStatus,
  updateUser,
} from './users.js';
export { exportUsersCsv, importUsersCsv } from './users-csv.js';
