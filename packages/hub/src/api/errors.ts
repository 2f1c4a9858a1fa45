import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HubError } from '../http.js';

/** Every refusal as `{ error: { code, message, details? } }`, with a stable code per cause. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError | HubError, request, reply) => {
    const refusal = toHubError(error);
    if (refusal.status >= 500) request.log.error(error);
    const body: { code: string; message: string; details?: unknown } = {
      code: refusal.code,
      message: refusal.message,
    };
    if (refusal.details !== undefined) body.details = refusal.details;
    reply.status(refusal.status).send({ error: body });
  });
  app.setNotFoundHandler(async (request, reply) => {
    reply.status(404).send({
      error: { code: 'no-route', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
}

export function toHubError(error: FastifyError | HubError | Error): HubError {
  if (error instanceof HubError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      where: error.validationContext ?? 'request',
      path: v.instancePath || '/',
      message: v.message ?? 'invalid',
    }));
    return new HubError(400, 'invalid-request', `invalid ${error.validationContext ?? 'request'}`, issues);
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new HubError(415, 'unsupported-media-type', fastifyError.message);
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new HubError(413, 'body-too-large', fastifyError.message);
  }
  if (
    fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
  ) {
    return new HubError(400, 'invalid-json', fastifyError.message);
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return new HubError(fastifyError.statusCode, fastifyError.code ?? 'bad-request', fastifyError.message);
  }
  return new HubError(500, 'internal', 'internal error');
}
