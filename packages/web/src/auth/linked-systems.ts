import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';

export interface LinkedSystem {
  entityId: string;
  name: string;
  /** The hub's IdP-initiated SSO into it (a page of the server: a full navigation). */
  url: string;
}

export function useLinkedSystems(enabled: boolean) {
  return useQuery({
    queryKey: ['saml', 'service-providers'],
    queryFn: () =>
      api<{ serviceProviders: LinkedSystem[] }>('/saml/service-providers').then((r) => r.serviceProviders),
    enabled,
    retry: false,
    staleTime: 10 * 60_000,
  });
}
