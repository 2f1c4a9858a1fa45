/**
 * The part of a logger the inbound side writes to. Fastify's pino logger fits it; tests and library
 * users may pass nothing.
 */
export interface InboundLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const silentLog: InboundLog = {
  info() {},
  warn() {},
  error() {},
};
