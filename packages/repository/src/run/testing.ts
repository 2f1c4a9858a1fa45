// Test support (not built): a repository with the lab samples' clinic, its patients, and lab centres, for
// the lab transports' tests (MLLP/TLS, drop folders).
import type { Engine, Store } from '@hie/platform';
import { readLabMessage } from '../intake/lab/index.js';
import { CLINIC, CSV_ROWS, nhoForClinic } from '../intake/lab/testing.js';
import type { RepositorySchema } from '../store/schema.js';
import type { TenantRegistry } from '../tenants/registry.js';
import { createSender, linkLabCentre, type Sender } from '../tenants/senders.js';
import { type RepositoryUnderTest, repositoryUnderTest, seedPatient } from '../testing.js';

export interface LabRepository {
  r: RepositoryUnderTest;
  /** KENSA01 (the samples' MSH-4), linked to the clinic. */
  lab: Sender;
  /** KENSA99, linked to no clinic. */
  otherLab: Sender;
  /** PID-3 of nhoForClinic(). */
  patientId: string;
}

export async function labRepository(engine: Engine): Promise<LabRepository> {
  const r = await repositoryUnderTest(engine);
  return { r, ...(await seedLabClinic(r.store, r.tenants)) };
}

/** The clinic (a tenant), its patients, a lab centre linked to it and one that is not. */
export async function seedLabClinic(
  store: Store<RepositorySchema>,
  tenants: TenantRegistry,
): Promise<Omit<LabRepository, 'r'>> {
  await tenants.create({ ...CLINIC, kind: 'clinic' });
  const lab = (
    await createSender(store, { kind: 'lab-centre', name: 'テスト検査センター', facilityCode: 'KENSA01' })
  ).sender;
  await linkLabCentre(store, lab.id, CLINIC.oid);
  const otherLab = (
    await createSender(store, { kind: 'lab-centre', name: '別の検査センター', facilityCode: 'KENSA99' })
  ).sender;
  const read = readLabMessage(nhoForClinic(), { sourceName: 't' });
  if (!read.ok) throw new Error('sample unreadable');
  // The clinic's patients (from its ORCA, say): results are only taken for them.
  const csvPatients = CSV_ROWS.map((row) => row.split(',')[1]!);
  for (const id of new Set([read.patientId, ...csvPatients]))
    await seedPatient(tenants.storeOf(CLINIC.oid), id);
  return { lab, otherLab, patientId: read.patientId };
}

/** Lab-result Observations the clinic's FHIR API shows for a patient. */
export async function observationsOf(r: RepositoryUnderTest, patientId: string): Promise<number> {
  const read = await r.read(CLINIC.oid, `/t/${CLINIC.oid}/fhir/Observation?patient=${patientId}`, {
    patientId,
    categories: ['lab-result'],
  });
  if (read.status !== 200) throw new Error(`read: ${read.status}`);
  return (read.json() as { total: number }).total;
}
