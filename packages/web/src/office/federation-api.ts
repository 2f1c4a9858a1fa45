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
