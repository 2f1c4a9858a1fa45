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

/** A trusted IdP's user linked to one of ours. */
export interface SamlLink {
  id: string;
  idp: string;
  subject: string;
  userId: string;
  origin: 'admin' | 'jit';
  status: 'active' | 'revoked';
  createdAt: string;
  lastLoginAt: string | null;
}

export function useIdentityProviders() {
  return useQuery({
    queryKey: ['admin', 'saml', 'identity-providers'],
    queryFn: () => api<IdentityProviders>('/admin/saml/identity-providers'),
  });
}
