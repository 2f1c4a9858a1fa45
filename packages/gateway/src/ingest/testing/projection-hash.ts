import { createHash } from 'node:crypto';
import type { Store } from '@hie/platform';
import type { Schema } from '@hie/record-source';

/**
 * Content hash of the projection: every gw_resource row ordered by (type, id) with its json,
 * category, date and code; plus the patient search rows. Two stores hash equal exactly when they
 * would answer every query the same.
 */
export async function projectionHash(store: Store<Schema>): Promise<{ hash: string; resources: number }> {
  const h = createHash('sha256');
  let resources = 0;
  let after: [string, string] = ['', ''];
  for (;;) {
    const rows = await store.db
      .selectFrom('gw_resource')
      .select(['resource_type', 'id', 'json', 'category', 'date', 'code'])
      .where((eb) =>
        eb.or([
          eb('resource_type', '>', after[0]),
          eb.and([eb('resource_type', '=', after[0]), eb('id', '>', after[1])]),
        ]),
      )
      .orderBy('resource_type')
      .orderBy('id')
      .limit(5000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      h.update(
        `${r.resource_type}\u0000${r.id}\u0000${r.json}\u0000${r.category}\u0000${r.date ?? ''}\u0000${r.code ?? ''}\n`,
      );
    }
    resources += rows.length;
    const last = rows[rows.length - 1]!;
    after = [last.resource_type, last.id];
  }
  const patients = await store.db.selectFrom('gw_patient').selectAll().orderBy('patient_id').execute();
  for (const p of patients) {
    h.update(
      `P\u0000${p.patient_id}\u0000${p.name_kanji}\u0000${p.name_kana}\u0000${p.kana_key}\u0000${p.birth_date}\u0000${p.sex}\n`,
    );
  }
  return { hash: h.digest('hex'), resources };
}
