import { z } from 'zod';

/**
 * The patient-identity feed: what a disclosing unit tells the hub's patient index about each of its
 * patients (`POST FEED_PATH`, authorised by the facility's feed token). The record is
 * (facility OID, local id); the rest is what it is matched on. Absent fields are left out, never sent empty.
 */
export const FEED_PATH = '/api/v1/internal/mpi/feed';

/** Most identities the hub takes in one feed request. */
export const FEED_BATCH_LIMIT = 5000;

export const feedIdentitySchema = z.object({
  facilityOid: z.string().min(1).max(128),
  localId: z.string().min(1).max(64),
  nameKanji: z.string().max(200).optional(),
  nameKana: z.string().max(200).optional(),
  /** YYYY-MM-DD; a partial date (year or year-month only) is not sent. */
  birthDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  /** HL7 v2 administrative sex. */
  sex: z.enum(['M', 'F', 'O', 'U']).optional(),
  postcode: z.string().max(16).optional(),
  address: z.string().max(400).optional(),
  phone: z.string().max(40).optional(),
});

export type FeedIdentity = z.infer<typeof feedIdentitySchema>;

export const feedBatchSchema = z.object({
  identities: z.array(feedIdentitySchema).min(1).max(FEED_BATCH_LIMIT),
});

export type FeedBatch = z.infer<typeof feedBatchSchema>;
