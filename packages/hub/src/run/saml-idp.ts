import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SamlIdp } from '../saml/idp-routes.js';
import { loadOrCreateSamlKeys } from '../saml/keys.js';
import { parseSpMetadata, type ServiceProvider } from '../saml/metadata.js';
import type { SamlSp } from '../saml/sp/routes.js';
import { parseIdpMetadata, type TrustedIdp } from '../saml/sp/trusted-idp.js';
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
      parsed = parseSpMetadata(
        await readFile(sp.metadata, 'utf8'),
        sp.name,
        sp.landing,
        sp.agreement?.facilities,
        sp.agreement?.records,
      );
    } catch (e) {
      throw new Error(`saml.serviceProviders: ${sp.metadata}: ${e instanceof Error ? e.message : String(e)}`);
    }
    serviceProviders.set(parsed.entityId, parsed);
  }
  return { entityId, baseUrl, keys, serviceProviders };
}

/** The hub as SAML SP (config `saml.identityProviders`), or null without any: IdP metadata read (a bad file stops the start). */
export async function samlSpOf(config: HubConfig, idp: SamlIdp | null): Promise<SamlSp | null> {
  const saml = config.saml;
  // Always beside the IdP: the office may register identity providers at run time (partner/registry.ts).
  if (!saml || !idp) return null;
  const identityProviders = new Map<string, TrustedIdp>();
  for (const entry of saml.identityProviders) {
    let parsed: TrustedIdp;
    try {
      parsed = parseIdpMetadata(await readFile(entry.metadata, 'utf8'), {
        ...(entry.name ? { name: entry.name } : {}),
        ...(entry.subjectAttribute ? { subjectAttribute: entry.subjectAttribute } : {}),
        allowUnsolicited: entry.allowUnsolicited,
        patientLanding: entry.patientLanding,
        partnerRecords: entry.partnerRecords,
        attributes: entry.attributes,
      });
    } catch (e) {
      throw new Error(
        `saml.identityProviders: ${entry.metadata}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    identityProviders.set(parsed.entityId, parsed);
  }
  const sp: SamlSp = {
    identity: { entityId: saml.spEntityId ?? '', acsUrl: '', keys: idp.keys },
    identityProviders,
  };
  if (idp.baseUrl) settleSamlSp(sp, idp.baseUrl);
  return sp;
}

/** Fills the SP's ACS and entity id from the portal's URL. */
export function settleSamlSp(sp: SamlSp | null, baseUrl: string): void {
  if (!sp || sp.identity.acsUrl) return;
  sp.identity.acsUrl = `${baseUrl}/saml/sp/acs`;
  sp.identity.entityId ||= `${baseUrl}/saml/sp/metadata`;
}

/** Fills the IdP's URL and entity id from the listening portal where the config left them out. */
export function settleSamlIdp(idp: SamlIdp | null, portalUrl: string): void {
  if (!idp || idp.baseUrl) return;
  idp.baseUrl = portalUrl;
  idp.entityId ||= `${portalUrl}/saml/idp/metadata`;
}
