import type { AuditSchema } from '@hie/platform';
import type { HubAuthSchema } from './auth-tables.js';
import type { HubCabinetDrawingSchema } from './cabinet-drawing-tables.js';
import type { HubCabinetFileSchema } from './cabinet-file-tables.js';
import type { HubCabinetPushSchema } from './cabinet-push-tables.js';
import type { HubCabinetScheduleSchema } from './cabinet-schedule-tables.js';
import type { HubCabinetSchema } from './cabinet-tables.js';
import type { HubConsentSchema } from './consent-tables.js';
import type { HubDirectorySchema } from './directory-tables.js';
import type { HubIheSchema } from './ihe-tables.js';
import type { HubMpiSchema } from './mpi-tables.js';

/** Every table of the hub's store: its modules' and the audit chain's. */
export interface Schema
  extends AuditSchema,
    HubDirectorySchema,
    HubAuthSchema,
    HubMpiSchema,
    HubConsentSchema,
    HubCabinetSchema,
    HubCabinetDrawingSchema,
    HubCabinetFileSchema,
    HubCabinetPushSchema,
    HubCabinetScheduleSchema,
    HubIheSchema {}
