import { DRAWING_LIMITS, type DrawingModelInput, emptyDrawing, tokyoDay } from '@hie/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../../http.js';
import { TEST_ENGINES } from '../../testing/store.js';
import { apiCall, type HubUnderTest, hubUnderTest } from '../../testing.js';
import { cabinetRoutes } from '../api/routes.js';
import { type CabinetTeam, OIDS, PATIENT, seedCabinetTeam } from '../testing.js';

/** A 1×1 PNG. */
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const DAY = 24 * 3600_000;

const sacralSore = (label = '仙骨部褥瘡'): DrawingModelInput => ({
  ...emptyDrawing('sacral', label),
  strokes: [
    {
      tool: 'pen',
      color: 'red',
      width: 4,
      points: [
        [240, 180, 0.3],
        [256, 190, 0.6],
        [262, 210, 0.8],
      ],
    },
  ],
  stamps: [{ kind: 'redness', x: 250, y: 200 }],
  texts: [{ x: 280, y: 200, text: '3×2cm', color: 'black', size: 16 }],
});

/** Every tag of the SVG (text is escaped, so each `<…>` is a real tag). */
const tagsOf = (svg: string) => svg.match(/<[^>]*>/g) ?? [];

describe.each(TEST_ENGINES)('schema drawings of the Care Cabinet on %s', (engine) => {
  let hub: HubUnderTest;
  let team: CabinetTeam;
  let clock = Date.now() - 30 * DAY;
  const call = apiCall(() => hub);
  let cabinetId: string;
  const base = () => `/cabinets/${cabinetId}/drawings`;
  const get = (who: HubPrincipal | null, url: string) =>
    hub.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: who ? hub.as(who) : {} });
  const save = (who: HubPrincipal | null, body: object) => call(who, 'POST', base(), body);

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [cabinetRoutes], { now: () => new Date(clock) });
    team = await seedCabinetTeam(hub);
    const opened = await call(team.nurse, 'POST', '/cabinets', {
      groupId: 'momo',
      patient: PATIENT,
      consent: { startDate: tokyoDay(new Date(clock)), facilities: [OIDS.clinic, OIDS.care] },
      invite: [
        { userId: team.doctor.userId, facilityOid: OIDS.clinic },
        { userId: team.careManager.userId, facilityOid: OIDS.care },
      ],
    });
    expect(opened.statusCode, opened.body).toBe(201);
    cabinetId = opened.json().id;
    for (const who of [team.doctor, team.careManager]) {
      expect((await call(who, 'POST', `/cabinets/${cabinetId}/accept`)).statusCode).toBe(200);
    }
  });
  afterAll(() => hub.dispose());

  it('saves a drawing, serves it as SVG it rendered itself, and gives the model back', async () => {
    const saved = await save(team.nurse, { model: sacralSore(), thumbnailPng: PNG_1X1 });
    expect(saved.statusCode, saved.body).toBe(201);
    const drawing = saved.json();
    expect(drawing).toMatchObject({
      bodyPart: 'sacral',
      label: '仙骨部褥瘡',
      postId: null,
      author: { userId: team.nurse.userId, name: '吉備 花子' },
      url: `/api/v1/cabinets/${cabinetId}/drawings/${drawing.id}.svg`,
      thumbnailUrl: `/api/v1/cabinets/${cabinetId}/drawings/${drawing.id}/thumbnail.png`,
    });

    const svg = await get(team.nurse, `${base()}/${drawing.id}.svg`);
    expect(svg.statusCode, svg.body).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(svg.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(svg.headers['x-content-type-options']).toBe('nosniff');
    expect(svg.headers['cache-control']).toBe('private, no-store');
    expect(svg.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.body).toContain('<title>仙骨部褥瘡 — 仙骨部・臀部</title>');
    expect(svg.body).toContain('>仙骨</text>');
    expect((await get(team.nurse, `${base()}/${drawing.id}.svg?lang=en`)).body).toContain('>Sacrum</text>');

    const png = await get(team.nurse, `${base()}/${drawing.id}/thumbnail.png`);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.toString('base64')).toBe(PNG_1X1);

    const model = await get(team.nurse, `${base()}/${drawing.id}`);
    expect(model.statusCode).toBe(200);
    expect(model.json().model).toEqual(sacralSore());

    // No thumbnail sent: none served.
    const bare = (await save(team.nurse, { model: { ...sacralSore('右踵'), bodyPart: 'foot-sole' } })).json();
    expect(bare.thumbnailUrl).toBeNull();
    expect((await get(team.nurse, `${base()}/${bare.id}/thumbnail.png`)).json().error.code).toBe(
      'no-thumbnail',
    );
  });

  it('lists one series newest first, to compare side by side, and the series there are', async () => {
    const ids: string[] = [];
    for (const week of [1, 2, 3]) {
      clock += 7 * DAY;
      const model = sacralSore();
      model.texts = [{ x: 280, y: 200, text: `${4 - week}×2cm`, color: 'black', size: 16 }];
      const saved = await save(team.nurse, { model });
      expect(saved.statusCode).toBe(201);
      ids.push(saved.json().id);
    }
    await save(team.nurse, { model: { ...sacralSore('仙骨部褥瘡'), bodyPart: 'body-back' } });
    const series = await get(
      team.nurse,
      `${base()}?bodyPart=sacral&label=${encodeURIComponent('仙骨部褥瘡')}`,
    );
    expect(series.statusCode).toBe(200);
    const drawings = series.json().drawings as { id: string; createdAt: string; bodyPart: string }[];
    expect(drawings.slice(0, 3).map((d) => d.id)).toEqual([...ids].reverse());
    expect(drawings).toHaveLength(4);
    expect(drawings.every((d) => d.bodyPart === 'sacral')).toBe(true);
    expect(drawings.map((d) => d.createdAt)).toEqual([...drawings.map((d) => d.createdAt)].sort().reverse());
    const all = (await get(team.nurse, base())).json();
    expect(all.series[0]).toMatchObject({ bodyPart: 'body-back', label: '仙骨部褥瘡', count: 1 });
    expect(all.series).toContainEqual(
      expect.objectContaining({ bodyPart: 'sacral', label: '仙骨部褥瘡', count: 4 }),
    );
  });

  it('a drawing not yet in a post is its author’s alone; in a post, every reader sees it', async () => {
    const draft = (await save(team.nurse, { model: sacralSore('左踵') })).json();
    expect((await get(team.doctor, `${base()}/${draft.id}.svg`)).statusCode).toBe(404);
    expect((await get(team.doctor, `${base()}/${draft.id}`)).statusCode).toBe(404);
    const doctorList = (await get(team.doctor, base())).json();
    expect(doctorList.drawings.map((d: { id: string }) => d.id)).not.toContain(draft.id);

    // The doctor may not attach the nurse's draft: it is as unknown to them as any other id.
    const stolen = await call(team.doctor, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'free',
      text: '見せて',
      attachments: [{ type: 'drawing', id: draft.id }],
    });
    expect(stolen.statusCode).toBe(422);
    expect(stolen.json().error.details[0]).toMatchObject({ field: 'attachments.0', code: 'unknown-drawing' });

    const posted = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'free',
      text: '左踵に発赤あり。シェーマ参照。',
      attachments: [{ type: 'drawing', id: draft.id }],
    });
    expect(posted.statusCode, posted.body).toBe(201);
    expect(posted.json().attachments).toEqual([
      {
        type: 'drawing',
        id: draft.id,
        kind: 'drawing',
        name: '左踵',
        mediaType: 'image/svg+xml',
        size: draft.size,
        status: 'ready',
        problem: null,
        url: `/api/v1/cabinets/${cabinetId}/drawings/${draft.id}.svg`,
        thumbnailUrl: null,
        bodyPart: 'sacral',
        label: '左踵',
      },
    ]);
    const page = (await get(team.doctor, `/cabinets/${cabinetId}/posts`)).json();
    const post = page.posts.find((p: { id: string }) => p.id === posted.json().id);
    expect(post.attachments.map((a: { id: string }) => a.id)).toEqual([draft.id]);
    expect((await get(team.doctor, `${base()}/${draft.id}.svg`)).statusCode).toBe(200);
    expect((await get(team.doctor, `${base()}/${draft.id}`)).json().postId).toBe(posted.json().id);

    // One post only; the doctor's own post cannot carry it either.
    const again = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'free',
      text: 'もう一度',
      attachments: [{ type: 'drawing', id: draft.id }],
    });
    expect(again.json().error.details[0].code).toBe('already-attached');
    const notYours = await call(team.doctor, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'free',
      text: '私も',
      attachments: [{ type: 'drawing', id: draft.id }],
    });
    expect(notYours.json().error.details[0].code).toBe('not-yours');
  });

  it('escapes markup smuggled into a label or a text; refuses it in a colour, a field or the thumbnail', async () => {
    const payloads = ['<script>alert(1)</script>', 'javascript:alert(1)', '</text><script>alert(1)</script>'];
    const model = {
      ...sacralSore(payloads[2]),
      texts: payloads.map((text, i) => ({ x: 40, y: 40 + i * 30, text, color: 'red', size: 14 })),
    };
    const saved = await save(team.nurse, { model });
    expect(saved.statusCode, saved.body).toBe(201);
    const svg = (await get(team.nurse, `${base()}/${saved.json().id}.svg`)).body;
    expect(svg).not.toContain('<script');
    for (const tag of tagsOf(svg)) {
      expect(tag).not.toMatch(/\son[a-z]*\s*=/i);
      expect(tag).not.toMatch(/href/i);
      expect(tag).not.toMatch(/javascript:/i);
      expect(tag).toMatch(/^<\/?(svg|title|defs|mask|g|path|circle|rect|text)[\s/>]/);
    }
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;</text>');

    const refusals: [object, string, string][] = [
      [
        {
          model: {
            ...sacralSore(),
            texts: [{ x: 1, y: 1, text: 'x', color: 'red" onload="alert(1)', size: 12 }],
          },
        },
        'model.texts.0.color',
        'not-in-palette',
      ],
      [
        {
          model: {
            ...sacralSore(),
            strokes: [{ tool: 'pen', color: 'javascript:alert(1)', width: 2, points: [[1, 1, 0.5]] }],
          },
        },
        'model.strokes.0.color',
        'not-in-palette',
      ],
      [{ model: { ...sacralSore(), onload: 'alert(1)' } }, 'model', 'unknown-field'],
      [
        { model: { ...sacralSore(), stamps: [{ kind: 'redness', x: 1, y: 1, href: '#x' }] } },
        'model.stamps.0',
        'unknown-field',
      ],
      [{ model: { ...sacralSore(), label: 'a\u0000<b>' } }, 'model.label', 'control-characters'],
      [
        { model: sacralSore(), thumbnailPng: Buffer.from('<svg onload="alert(1)"/>').toString('base64') },
        'thumbnailPng',
        'not-a-png',
      ],
      [{ model: sacralSore(), thumbnailPng: 'not base64!' }, 'thumbnailPng', 'not-base64'],
    ];
    for (const [body, field, code] of refusals) {
      const res = await save(team.nurse, body);
      expect(res.statusCode, `${field} ${code}`).toBe(422);
      expect(res.json().error.code).toBe('invalid-input');
      expect(res.json().error.details).toContainEqual(expect.objectContaining({ field, code }));
    }
    const sneaky = await save(team.nurse, { model: sacralSore(), svg: '<svg onload="alert(1)"/>' });
    expect(sneaky.statusCode).toBe(400);
  });

  it('refuses a drawing too large or too complex, with a clear code, and keeps nothing of it', async () => {
    const before = (await get(team.nurse, base())).json().drawings.length;
    const huge = sacralSore();
    huge.strokes = [
      {
        tool: 'pen',
        color: 'red',
        width: 2,
        points: Array.from({ length: 40_000 }, (_, i) => [(i % 400) + 0.123, 100.456, 0.5]),
      },
    ];
    const tooLarge = await save(team.nurse, { model: huge });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('drawing-too-large');

    const many = sacralSore();
    many.strokes = Array.from({ length: DRAWING_LIMITS.strokes + 1 }, () => ({
      tool: 'pen' as const,
      color: 'red' as const,
      width: 2,
      points: [[1, 1, 0.5] as [number, number, number]],
    }));
    const tooMany = await save(team.nurse, { model: many });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().error.details[0]).toMatchObject({
      field: 'model.strokes',
      code: 'too-many-strokes',
    });

    const bigPng = Buffer.concat([
      Buffer.from(PNG_1X1, 'base64'),
      Buffer.alloc(DRAWING_LIMITS.thumbnailBytes),
    ]);
    const tooBigThumb = await save(team.nurse, {
      model: sacralSore(),
      thumbnailPng: bigPng.toString('base64'),
    });
    expect(tooBigThumb.statusCode).toBe(413);
    expect(tooBigThumb.json().error.code).toBe('thumbnail-too-large');

    const overBody = await save(team.nurse, {
      model: sacralSore(),
      thumbnailPng: 'A'.repeat(3 * 1024 * 1024),
    });
    expect(overBody.statusCode).toBe(413);
    expect(overBody.json().error.code).toBe('body-too-large');

    expect((await get(team.nurse, base())).json().drawings.length).toBe(before);
  });

  it('answers strangers 404, the unauthenticated 401, a removed member 403', async () => {
    const drawing = (await save(team.nurse, { model: sacralSore(), thumbnailPng: PNG_1X1 })).json();
    await call(team.nurse, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'free',
      text: '経過',
      attachments: [{ type: 'drawing', id: drawing.id }],
    });
    const urls = [
      base(),
      `${base()}/${drawing.id}`,
      `${base()}/${drawing.id}.svg`,
      `${base()}/${drawing.id}/thumbnail.png`,
    ];
    for (const url of urls) {
      expect((await get(null, url)).statusCode, url).toBe(401);
      for (const who of [team.outsider, team.office]) expect((await get(who, url)).statusCode, url).toBe(404);
    }
    expect((await save(null, { model: sacralSore() })).statusCode).toBe(401);
    expect((await save(team.outsider, { model: sacralSore() })).statusCode).toBe(404);
    // A stranger's bad input is refused as a stranger, not as bad input.
    expect((await save(team.outsider, { model: { bodyPart: 'nope' } })).statusCode).toBe(404);
    // Unknown in this cabinet, or in another one: the same 404.
    expect((await get(team.nurse, `${base()}/00000000-0000-4000-8000-000000000000.svg`)).statusCode).toBe(
      404,
    );

    expect((await get(team.careManager, `${base()}/${drawing.id}.svg`)).statusCode).toBe(200);
    const removed = await hub.app.inject({
      method: 'DELETE',
      url: `/api/v1/cabinets/${cabinetId}/members/${team.careManager.userId}?facilityOid=${OIDS.care}`,
      headers: hub.as(team.nurse),
    });
    expect(removed.statusCode, removed.body).toBe(200);
    for (const url of urls) {
      const res = await get(team.careManager, url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('membership-ended');
    }
    expect((await save(team.careManager, { model: sacralSore() })).statusCode).toBe(403);
  });

  it('audits reads and writes in the hash chain', async () => {
    const rows = await hub.store.db
      .selectFrom('audit_event')
      .select(['action', 'outcome', 'event_json'])
      .where('type', '=', 'cabinet')
      .execute();
    const what = (w: string, action: string, outcome = '0') =>
      rows.some(
        (r) => r.action === action && r.outcome === outcome && r.event_json.includes(`"what":"${w}"`),
      );
    expect(what('drawing-create', 'C')).toBe(true);
    expect(what('drawing-svg', 'R')).toBe(true);
    expect(what('drawing-thumbnail', 'R')).toBe(true);
    expect(what('drawing', 'R')).toBe(true);
    expect(what('drawings', 'R')).toBe(true);
    expect(what('drawing', 'R', '4')).toBe(true);
    expect(what('drawing-svg', 'R', '4')).toBe(true);
  });
});
