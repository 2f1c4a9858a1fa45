import { auditHub } from '../../audit-record.js';
import type { LoginResult } from '../../auth/complete.js';
import type { HubDeps } from '../../http.js';
import { searchPersons } from '../../mpi/pdq.js';
import { tokyoDay } from '../../policy/decide.js';
import { loadViewer, personFilter, recordFilter } from '../../policy/sql.js';
import { PATIENT_ATTRIBUTES } from '../response.js';
import type { Asserted } from './assertion.js';

const SEXES = ['M', 'F', 'O', 'U'] as const;

/**
 * Portal to portal, the partner's side (saml/README.md): the patient a user of a partner network
 * crossed with, found by our own PDQ with the traits its assertion carries (reading, birth date,
 * sex) — through our own policy, as this user of the partner's facility: exactly one match lands on
 * the patient's page, otherwise the search page with the same traits, where our rules decide what is
 * listed. Null when the assertion carries no patient. The search is audited like any search.
 */
export async function patientLanding(
  deps: HubDeps,
  login: LoginResult,
  a: Asserted,
  address: string,
): Promise<string | null> {
  const first = (name: string) => a.attributes[name]?.[0]?.trim() || null;
  const kana = first(PATIENT_ATTRIBUTES.nameKana);
  const birthDate = first(PATIENT_ATTRIBUTES.birthDate);
  const sexValue = first(PATIENT_ATTRIBUTES.sex);
  const sex = SEXES.find((s) => s === sexValue);
  if (!kana || !birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) return null;
  const now = deps.now();
  const today = tokyoDay(now);
  const who = { userId: login.user.id, facilityOid: login.facility.oid };
  const viewer = await loadViewer(deps.store, who, now);
  const query = { kana, birthDate, ...(sex ? { sex } : {}) };
  const result = await searchPersons(deps.store, query, {
    personFilter: personFilter(viewer, today, 'TREAT'),
    recordFilter: recordFilter(viewer, today, 'TREAT'),
    limit: 2,
    offset: 0,
  });
  await auditHub(deps, [
    {
      type: 'search',
      action: 'E',
      outcome: '0',
      agent: {
        userId: login.user.id,
        name: login.user.name,
        profession: login.user.profession,
        facilityOid: login.facility.oid,
        address,
      },
      entities: result.persons.map((p) => p.personId),
      purposeOfUse: 'TREAT',
      detail: {
        via: 'saml-landing',
        idp: a.idp.entityId,
        partnerPatient: first(PATIENT_ATTRIBUTES.id) ?? '',
        query: JSON.stringify(query),
        total: String(result.total),
      },
    },
  ]);
  const only = result.total === 1 ? result.persons[0] : undefined;
  if (only) return `/patients/${encodeURIComponent(only.personId)}`;
  // The search page with the traits shown as typed, and a note that they came from the partner.
  const shown = { ...query, q: `${kana} ${birthDate.replaceAll('-', '/')}`, from: 'partner' };
  return `/patients?${new URLSearchParams(shown).toString()}`;
}
