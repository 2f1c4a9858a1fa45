import { cabinetPushSubscriptionSchema } from '@hie/contract';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type HubDeps, requirePrincipal } from '../../http.js';
import type { CabinetCallDeps } from '../cabinets.js';
import { CabinetPushSender } from './sender.js';
import { listPushDevices, pushNotConfigured, subscribePush, unsubscribePush } from './subscriptions.js';

const TAGS = ['cabinet'];

/**
 * Web Push of the unread count (README.md § Notifications): the VAPID public key and the user's own
 * devices; subscribing and removing a device; a test push. With no `cabinetPush` setting the hub says so
 * (`enabled: false`) and the portal keeps to SSE and polling.
 */
export async function cabinetPushRoutes(app: FastifyInstance, deps: HubDeps, cabinetDeps: CabinetCallDeps) {
  const settings = deps.settings.cabinetPush;
  const sender = settings ? new CabinetPushSender(cabinetDeps, settings, app.log) : null;
  if (sender) {
    const stop = sender.listen();
    app.addHook('onClose', async () => {
      stop();
      await sender.close();
    });
  }

  app.get(
    '/cabinet-push',
    { schema: { tags: TAGS, summary: 'Whether push is on, its public key, and your devices' } },
    async (request) => {
      const principal = requirePrincipal(request);
      return {
        enabled: settings !== undefined && !principal.office,
        publicKey: settings?.vapid.publicKey ?? null,
        devices: await listPushDevices(deps, principal),
      };
    },
  );

  app.post(
    '/cabinet-push/devices',
    {
      schema: {
        tags: TAGS,
        summary: 'Tell this browser of new posts (its PushSubscription)',
        body: cabinetPushSubscriptionSchema,
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const body = request.body as z.input<typeof cabinetPushSubscriptionSchema>;
      return reply.status(201).send(await subscribePush(deps, settings, principal, body));
    },
  );

  app.delete(
    '/cabinet-push/devices/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Stop telling one of your devices',
        params: z.object({ id: z.string().min(1).max(64) }),
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      await unsubscribePush(deps, principal, (request.params as { id: string }).id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/cabinet-push/test',
    { schema: { tags: TAGS, summary: 'Send a test push to your devices (the outcome per device)' } },
    async (request) => {
      const principal = requirePrincipal(request);
      if (!sender) throw pushNotConfigured();
      return { results: await sender.sendTest(principal.userId, principal.facilityOid) };
    },
  );
}
