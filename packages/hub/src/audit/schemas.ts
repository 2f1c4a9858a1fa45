import { z } from 'zod';
import { PERSON_ID_PATTERN } from './access-report.js';

const personId = z.string().regex(PERSON_ID_PATTERN, 'a person id');
const oid = z.string().regex(/^[0-2](\.(0|[1-9][0-9]*))+$/, 'an OID');
/** `type=view,search` or `type=view&type=search`. */
const types = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[a-z][a-z-]{0,39}$/, 'an audit type')).min(1));
const filters = {
  personId: personId.optional(),
  userId: z.string().min(1).max(128).optional(),
  facilityOid: oid.optional(),
  type: types.optional(),
  /** YYYY-MM-DD (a day in Japan) or an ISO timestamp. */
  from: z.string().min(10).max(40).optional(),
  to: z.string().min(10).max(40).optional(),
  offset: z.coerce.number().int().min(0).default(0),
};

export const auditFilterQuery = z.object({
  ...filters,
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const exportQuery = z.object({
  ...filters,
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
export type AuditFilterQuery = z.output<typeof auditFilterQuery>;

export const personParams = z.object({ personId });
export const accessReportQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
