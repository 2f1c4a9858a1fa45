import { CONTRACT_HEADER, CONTRACT_VERSION, type ContractCheck, checkContractVersion } from '@hie/contract';
import type { FastifyInstance } from 'fastify';

/** Every answer of a unit names the contract version it speaks (`x-hie-contract`). */
export function installContractHeader(app: FastifyInstance): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header(CONTRACT_HEADER, CONTRACT_VERSION);
    done(null, payload);
  });
}

/** The headers a unit's call to another unit carries: the contract version it speaks. */
export const contractHeaders = (): Record<string, string> => ({ [CONTRACT_HEADER]: CONTRACT_VERSION });

/** Whether a peer's request or answer speaks a contract this unit understands. */
export function peerContract(
  headers: { get(name: string): string | null } | Record<string, unknown>,
): ContractCheck {
  const raw =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | null }).get(CONTRACT_HEADER)
      : (headers as Record<string, unknown>)[CONTRACT_HEADER];
  return checkContractVersion(typeof raw === 'string' ? raw : null);
}
