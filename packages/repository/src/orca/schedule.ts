import { type PullSchedule, startPullSchedule, type TenantPull } from '@hie/orca';
import type { OrcaPullOutcome } from '../api/intake-context.js';
import { IntakeError } from '../api/intake-errors.js';
import type { TenantRegistry } from '../tenants/registry.js';
import { loadOrcaCheckpoint, orcaClientOf, pullTenantNow, recordOrcaFailure, storeOrcaPull } from './pull.js';

/**
 * Every ORCA-connected tenant's pull on its own schedule (each its interval, backoff after failures),
 * and "pull now" for the office and the tenant's staff. Tenants added or changed later are taken up by
 * `refresh()` (the schedule is made again; a pull under way finishes first).
 */
export class OrcaPulls {
  private schedule: PullSchedule | undefined;

  constructor(
    private readonly tenants: TenantRegistry,
    private readonly options: { log?: (line: string) => void; timeoutMs?: number } = {},
  ) {}

  /** Where pulls are logged (the server's logger, once it exists). */
  setLog(log: (line: string) => void): void {
    this.options.log = log;
  }

  async refresh(): Promise<void> {
    await this.schedule?.stop();
    const pulls: TenantPull[] = [];
    for (const tenant of this.tenants.list()) {
      const settings = tenant.settings.orca;
      if (!settings || tenant.status !== 'active') continue;
      const store = this.tenants.storeOf(tenant.oid);
      pulls.push({
        tenantId: tenant.oid,
        client: orcaClientOf(settings, this.options),
        everyMs: settings.everyMinutes * 60_000,
        ...(settings.fullSyncFrom ? { options: { fullSyncFrom: settings.fullSyncFrom } } : {}),
        loadCheckpoint: () => loadOrcaCheckpoint(store),
        save: async (pull) => {
          const outcome = await storeOrcaPull(store, tenant, pull);
          this.options.log?.(
            `orca ${tenant.oid}: ${outcome.patients} patients, ${outcome.counts.resources} resources, ${outcome.failures} failures`,
          );
        },
      });
    }
    this.schedule = pulls.length
      ? startPullSchedule(pulls, {
          onError: (oid, error) => {
            this.options.log?.(`orca ${oid}: ${(error as Error).message}`);
            void recordOrcaFailure(this.tenants.storeOf(oid), error).catch(() => {});
          },
        })
      : undefined;
  }

  /** Pulls one tenant now, outside its schedule. */
  readonly runNow = async (oid: string): Promise<OrcaPullOutcome> => {
    const tenant = this.tenants.get(oid);
    if (!tenant?.settings.orca) throw new IntakeError('orca-not-configured');
    const store = this.tenants.storeOf(oid);
    try {
      return await pullTenantNow(store, tenant, orcaClientOf(tenant.settings.orca, this.options));
    } catch (e) {
      await recordOrcaFailure(store, e);
      throw new IntakeError('orca-failed', (e as Error).message);
    }
  };

  async stop(): Promise<void> {
    await this.schedule?.stop();
    this.schedule = undefined;
  }
}
