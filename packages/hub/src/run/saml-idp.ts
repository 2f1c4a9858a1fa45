import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SamlIdp } from '../saml/idp-routes.js';
import { loadOrCreateSamlKeys } from '../saml/keys.js';
import { parseSpMetadata, type ServiceProvider } from '../saml/metadata.js';
import type { HubConfig } from './config.js';

/** The SAML IdP of the config (`saml`), or null: keys loaded or made, SP metadata read (a bad file stops the start). */
export async function samlIdpOf(config: HubConfig): Promise<SamlIdp | null> {
  const saml = config.saml;
  if (!saml) return null;
  // Without a configured baseUrl, both are set once the portal listens (settleSamlIdp).
  const baseUrl = saml.baseUrl?.replace(/\/$/, '') ?? '';
  const entityId = saml.entityId ?? (baseUrl ? `${baseUrl}/saml/idp/metadata` : '');
  const keys = await loadOrCreateSamlKeys(
    saml.key ?? join(config.dataDir, 'keys', 'saml-idp.key.pem'),
    saml.cert ?? join(config.dataDir, 'keys', 'saml-idp.crt.pem'),
    entityId || 'hub',
  );
  const serviceProviders = new Map<string, ServiceProvider>();
  for (const sp of saml.serviceProviders) {
    let parsed: ServiceProvider;
    try {
      parsed = parseSpMetadata(await readFile(sp.metadata, 'utf8'), sp.name, sp.landing);
    } catch (e) {
      throw new Error(`saml.serviceProviders: ${sp.metadata}: ${e instanceof Error ? e.message : String(e)}`);
    }
    serviceProviders.set(parsed.entityId, parsed);
  }
  return { entityId, baseUrl, keys, serviceProviders };
}

/** Fills the IdP's URL and entity id from the listening portal where the config left them out. */
export function settleSamlIdp(idp: SamlIdp | null, portalUrl: string): void {
  if (!idp || idp.baseUrl) return;
  idp.baseUrl = portalUrl;
  idp.entityId ||= `${portalUrl}/saml/idp/metadata`;
}
