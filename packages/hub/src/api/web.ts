import { access } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers for every answer: the web app runs only its own scripts, is never framed, and
 * sends no referrer (URLs may carry patient ids). PDFs are shown from blob: URLs in the app.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    // A page that posts to another system (the SAML IdP's form to an SP) sets its own, as narrow.
    if (!reply.hasHeader('content-security-policy'))
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; " +
          "frame-src 'self' blob:; object-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
}

/**
 * Serves the built web app: files from `root`, and `index.html` for any other GET outside `/api/`
 * (client-side routes such as /patients/123). Hashed assets are cached for a year.
 */
export async function serveWebApp(app: FastifyInstance, root: string): Promise<void> {
  await access(join(root, 'index.html'));
  const assets = join(root, 'assets');
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    setHeaders(res, path) {
      if (path.startsWith(assets)) res.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/')) {
      return reply.status(404).send({ error: { code: 'no-route', message: `no route GET ${path}` } });
    }
    // A missing asset (an old page after a new build) must fail as a 404, not load index.html as code.
    if (path.startsWith('/assets/')) {
      return reply.status(404).send({ error: { code: 'not-found', message: `no file ${path}` } });
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
  app.get('/', async (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
}
