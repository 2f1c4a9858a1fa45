import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResourceRow } from '../access/index.js';
import { searchsetBody } from './bundle.js';

const BASE = 'https://gw.example.jp/fhir';
const row = (type: string, id: string, resource: unknown): ResourceRow => ({
  resource_type: type,
  id,
  json: JSON.stringify(resource),
  version_id: 1,
  last_updated: '2026-11-01T00:00:00.000Z',
});

/** What the bundle must equal: the same document built by parse and re-serialise. */
const expected = (rows: ResourceRow[], total: number, self: string) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total,
  link: [{ relation: 'self', url: self }],
  entry: rows.map((r) => ({
    fullUrl: `${BASE}/${r.resource_type}/${r.id}`,
    resource: JSON.parse(r.json),
    search: { mode: 'match' },
  })),
});

const parsed = (body: Buffer) => {
  const { timestamp, ...rest } = JSON.parse(body.toString('utf8')) as { timestamp: string };
  expect(Number.isNaN(Date.parse(timestamp))).toBe(false);
  return rest;
};

describe('searchsetBody', () => {
  it('splices stored JSON with Japanese text into one valid UTF-8 Bundle', () => {
    const rows = [
      row('Patient', '0000000001.ADT-00', { resourceType: 'Patient', name: [{ text: '岡山 太郎' }] }),
      row('Observation', '0000000001.20261101.OML-11.1.1', {
        resourceType: 'Observation',
        note: [{ text: '空腹時採血。𠮷' }],
      }),
    ];
    const self = `${BASE}/Patient/0000000001.ADT-00/$everything?_count=50&_offset=0`;
    const body = searchsetBody({ total: 7, rows }, { self }, BASE);
    expect(parsed(body)).toEqual(expected(rows, 7, self));
    expect(body.length).toBe(Buffer.byteLength(body.toString('utf8')));
  });

  it('an empty page is a Bundle with an empty entry list', () => {
    const body = searchsetBody({ total: 0, rows: [] }, { self: `${BASE}/Observation` }, BASE);
    expect(parsed(body)).toEqual(expected([], 0, `${BASE}/Observation`));
  });

  it('keeps next and previous links and escapes ids, for any stored JSON text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: 'grapheme' }), fc.jsonValue()), { maxLength: 8 }),
        (entries) => {
          const rows = entries.map(([id, value], i) => row('Observation', `${i}${id}`, { value }));
          const links = { self: `${BASE}/a`, next: `${BASE}/b`, previous: `${BASE}/c` };
          const got = parsed(searchsetBody({ total: rows.length, rows }, links, BASE)) as {
            link: unknown;
            entry: unknown;
          };
          expect(got.link).toEqual([
            { relation: 'self', url: links.self },
            { relation: 'next', url: links.next },
            { relation: 'previous', url: links.previous },
          ]);
          expect(got.entry).toEqual(expected(rows, rows.length, links.self).entry);
        },
      ),
      { numRuns: 100 },
    );
  });
});
