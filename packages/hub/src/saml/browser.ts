import { escapeXml } from '@hie/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';

const RESUMED = 'hie_resumed';

/** The query string exactly as sent (the redirect binding's signature covers these octets). */
export const rawQueryOf = (request: FastifyRequest) => {
  const url = request.raw.url ?? '';
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
};

/**
 * No session seen. The session cookie is SameSite=Strict, so a browser arriving from the SP's site does
 * not send it: first reload once from our own page (same-site, the cookie comes), then the login page,
 * which brings the user back here.
 */
export function askForLogin(request: FastifyRequest, reply: FastifyReply, raw: string) {
  const path = (request.raw.url ?? '').split('?')[0] ?? '';
  const resumed = raw.split('&').includes(`${RESUMED}=1`);
  if (!resumed) {
    const again = `${path}?${raw}${raw ? '&' : ''}${RESUMED}=1`;
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escapeXml(again)}"><title>晴れやかネット</title></head><body><p><a href="${escapeXml(again)}">続ける / Continue</a></p></body></html>`,
      );
  }
  const back = `${path}?${raw
    .split('&')
    .filter((p) => p !== `${RESUMED}=1`)
    .join('&')}`;
  return reply.redirect(`/login?next=${encodeURIComponent(back)}`);
}
