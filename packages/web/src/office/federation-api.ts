import type { SamlLink } from '@hie/contract';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';

/** A trusted IdP of the hub as SAML SP (GET /admin/saml/identity-providers). */
export interface TrustedIdp {
  entityId: string;
  name: string;
  subjectAttribute: string | null;
  allowUnsolicited: boolean;
  jitFacilities: string[];
}

export interface IdentityProviders {
  sp: { entityId: string; acsUrl: string } | null;
  identityProviders: TrustedIdp[];
}

export function useIdentityProviders() {
  return useQuery({
    queryKey: ['admin', 'saml', 'identity-providers'],
    queryFn: () => api<IdentityProviders>('/admin/saml/identity-providers'),
  });
}

export type { SamlLink };

/** A SAML partner as GET /admin/saml/partners lists it (the config file's, or the office's). */
interface PartnerBase {
  entityId: string;
  name: string;
  source: 'config' | 'office';
  /** The office's registration (to remove it); null for the config file's. */
  id: string | null;
  updatedAt: string | null;
}
export interface PartnerSp extends PartnerBase {
  acs: string | null;
  landing: string | null;
  facilities: string[];
  records: string | null;
}
export interface PartnerIdp extends PartnerBase {
  ssoUrl: string;
  allowUnsolicited: boolean;
  patientLanding: boolean;
  partnerRecords: boolean;
}
export interface Partners {
  enabled: { serviceProviders: boolean; identityProviders: boolean };
  serviceProviders: PartnerSp[];
  identityProviders: PartnerIdp[];
}

export function usePartners(enabled: boolean) {
  return useQuery({
    queryKey: ['admin', 'saml', 'partners'],
    queryFn: () => api<Partners>('/admin/saml/partners'),
    enabled,
  });
}
