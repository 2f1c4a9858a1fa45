import type { Category } from '@hie/contract';
import type { Store } from '@hie/platform';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { HubPrincipal } from '../http.js';
import type { Schema } from '../store/schema.js';
import { mayBreakGlass, type Purpose, type ViewerFacts, viewerDenial } from './decide.js';
import { isCategory } from './matrix.js';

/**
 * The decision of decide.ts compiled into SQL, for lists (so counts and paging are right). Each clause
 * below mirrors one step of `decide`; the property test (policy.property.test.ts) proves that the rows
 * selected here are exactly the records `decide` allows.
 */

/** Everything about the viewer the decision needs, loaded once per request. */
export interface Viewer extends ViewerFacts {
  /** The profession's row of the matrix. */
  categories: Category[];
  /** This user's break-the-glass grants at this facility that are active at load time. */
  breakGlass: { id: string; personId: string; expiresAt: string }[];
}

/** Loads the viewer fresh from the store (status, profession, matrix row, active grants). */
export async function loadViewer(
  store: Store<Schema>,
  principal: Pick<HubPrincipal, 'userId' | 'facilityOid'>,
  now: Date = new Date(),
): Promise<Viewer> {
  const { db } = store;
  const [user, membership, facility] = await Promise.all([
    db
      .selectFrom('hub_user')
      .select(['profession', 'status'])
      .where('id', '=', principal.userId)
      .executeTakeFirst(),
    db
      .selectFrom('hub_membership')
      .select('role')
      .where('user_id', '=', principal.userId)
      .where('facility_oid', '=', principal.facilityOid)
      .executeTakeFirst(),
    db
      .selectFrom('hub_facility')
      .select(['status', 'views'])
      .where('oid', '=', principal.facilityOid)
      .executeTakeFirst(),
  ]);
  const profession = user?.profession ?? 'unknown';
  const [rows, grants] = await Promise.all([
    db.selectFrom('hub_profession_policy').select('category').where('profession', '=', profession).execute(),
    db
      .selectFrom('hub_break_glass')
      .select(['id', 'person_id', 'expires_at'])
      .where('user_id', '=', principal.userId)
      .where('facility_oid', '=', principal.facilityOid)
      .where('expires_at', '>', now.toISOString())
      .orderBy('expires_at', 'desc')
      .execute(),
  ]);
  return {
    userId: principal.userId,
    userActive: user?.status === 'active' && membership !== undefined,
    profession,
    facilityOid: principal.facilityOid,
    facilityActive: facility?.status === 'active',
    facilityViews: Number(facility?.views ?? 0) === 1,
    categories: rows
      .map((r) => r.category)
      .filter(isCategory)
      .sort(),
    breakGlass: grants.map((g) => ({ id: g.id, personId: g.person_id, expiresAt: g.expires_at })),
  };
}

/** Persons the viewer holds an active grant for, when the purpose lets grants count. */
function grantedPersons(viewer: Viewer, purpose: Purpose): string[] {
  if (purpose !== 'ETREAT' || !mayBreakGlass(viewer.profession)) return [];
  return [...new Set(viewer.breakGlass.map((g) => g.personId))];
}

/**
 * Records (mpi_record, not aliased in the outer query) the viewer may see on `today` (YYYY-MM-DD,
 * Asia/Tokyo). The default purpose ETREAT includes records opened by an active break-the-glass grant;
 * TREAT is consent only.
 */
export function recordFilter(viewer: Viewer, today: string, purpose: Purpose = 'ETREAT') {
  const refused = viewerDenial(viewer, viewer.categories, purpose) !== null;
  const granted = grantedPersons(viewer, purpose);
  return (eb: ExpressionBuilder<Schema, 'mpi_record'>): Expression<SqlBool> => {
    if (refused) return eb.lit(false);
    // source-inactive, source-not-disclosing
    const sourceOpen = eb.exists(
      eb
        .selectFrom('hub_facility as policy_source')
        .select(eb.lit(1).as('one'))
        .whereRef('policy_source.oid', '=', 'mpi_record.facility_oid')
        .where('policy_source.status', '=', 'active')
        .where('policy_source.discloses', '=', 1),
    );
    // nothing-disclosed: matrix(profession) ∩ disclosure(source) is not empty
    const somethingDisclosed = eb.exists(
      eb
        .selectFrom('hub_disclosure as policy_disclosure')
        .select(eb.lit(1).as('one'))
        .whereRef('policy_disclosure.facility_oid', '=', 'mpi_record.facility_oid')
        .where('policy_disclosure.category', 'in', viewer.categories),
    );
    // consent: one active consent in its dates that names the viewer's facility (or all)
    const consented = eb.exists(
      eb
        .selectFrom('hub_consent as policy_consent')
        .select(eb.lit(1).as('one'))
        .whereRef('policy_consent.facility_oid', '=', 'mpi_record.facility_oid')
        .whereRef('policy_consent.local_id', '=', 'mpi_record.local_id')
        .where('policy_consent.status', '=', 'active')
        .where('policy_consent.start_date', '<=', today)
        .where((c) =>
          c.or([c('policy_consent.end_date', 'is', null), c('policy_consent.end_date', '>=', today)]),
        )
        .where((c) =>
          c.or([
            c('policy_consent.scope', '=', 'all'),
            c.and([
              c('policy_consent.scope', '=', 'listed'),
              c.exists(
                c
                  .selectFrom('hub_consent_viewer as policy_viewer')
                  .select(c.lit(1).as('one'))
                  .whereRef('policy_viewer.consent_id', '=', 'policy_consent.id')
                  .where('policy_viewer.viewer_oid', '=', viewer.facilityOid),
              ),
            ]),
          ]),
        ),
    );
    // break-glass: an active grant of this user for the record's person
    const basis =
      granted.length > 0 ? eb.or([consented, eb('mpi_record.person_id', 'in', granted)]) : consented;
    return eb.and([sourceOpen, somethingDisclosed, basis]);
  };
}

/**
 * Persons (mpi_person) the viewer may see: those with a visible record (`personVisible` in memory).
 * Under ETREAT this includes the persons of the viewer's active break-the-glass grants, through the
 * records the grant opens.
 */
export function personFilter(viewer: Viewer, today: string, purpose: Purpose = 'ETREAT') {
  const refused = viewerDenial(viewer, viewer.categories, purpose) !== null;
  const records = recordFilter(viewer, today, purpose);
  return (eb: ExpressionBuilder<Schema, 'mpi_person'>): Expression<SqlBool> => {
    if (refused) return eb.lit(false);
    return eb.exists(
      eb
        .selectFrom('mpi_record')
        .select(eb.lit(1).as('one'))
        .whereRef('mpi_record.person_id', '=', 'mpi_person.id')
        .where((r) => records(r as unknown as ExpressionBuilder<Schema, 'mpi_record'>)),
    );
  };
}
