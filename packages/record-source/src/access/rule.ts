import type { AccessAssertion } from '@hie/contract';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Schema } from '../store/schema.js';
import type { DisclosureSettings } from './disclosure.js';

/**
 * Purposes of use a gateway answers (HL7 v3 PurposeOfUse): treatment, emergency treatment
 * (break-the-glass), continuity of care, and the patient's own request. Anything else — including
 * ADMIN — reads nothing.
 */
export const CLINICAL_PURPOSES: readonly string[] = ['TREAT', 'ETREAT', 'COC', 'PATRQT'];

/** What one verified request may see at this gateway: one patient, the allowed categories. */
export interface GatewayAccess {
  readonly patientId: string;
  /** assertion.categories ∩ disclosure.categories, sorted; empty = nothing. */
  readonly categories: readonly string[];
  readonly assertion: AccessAssertion;
}

export type AccessDecision =
  | { ok: true; access: GatewayAccess }
  | { ok: false; reason: 'purpose-not-accepted'; message: string };

/** The gateway's one decision: the hub's grant narrowed by the facility's own settings. */
export function decideAccess(assertion: AccessAssertion, disclosure: DisclosureSettings): AccessDecision {
  if (!CLINICAL_PURPOSES.includes(assertion.purposeOfUse)) {
    return {
      ok: false,
      reason: 'purpose-not-accepted',
      message: `purpose of use ${assertion.purposeOfUse} does not allow reading records`,
    };
  }
  const disclosed = new Set(disclosure.categories);
  const categories = [...new Set(assertion.categories.filter((c) => disclosed.has(c)))].sort();
  return { ok: true, access: { patientId: assertion.patientId, categories, assertion } };
}

/**
 * The rule, expressed once as data: for each column of gw_resource, the values a row may have.
 * `rowAllowed` evaluates it in memory (single reads), `whereAllowed` compiles it to SQL (lists, so
 * counts and paging are right). An empty list allows nothing.
 */
export type AccessRule = { readonly [C in RuleColumn]: readonly string[] };
type RuleColumn = 'patient_id' | 'category';
const RULE_COLUMNS: readonly RuleColumn[] = ['patient_id', 'category'];

export const ruleOf = (access: GatewayAccess): AccessRule => ({
  patient_id: [access.patientId],
  category: access.categories,
});

export function rowAllowed(rule: AccessRule, row: { readonly [C in RuleColumn]: string }): boolean {
  return RULE_COLUMNS.every((column) => rule[column].includes(row[column]));
}

export function whereAllowed(rule: AccessRule) {
  return (eb: ExpressionBuilder<Schema, 'gw_resource'>): Expression<SqlBool> =>
    eb.and(
      RULE_COLUMNS.map((column) =>
        rule[column].length === 0 ? eb.lit(false) : eb(column, 'in', rule[column]),
      ),
    );
}
