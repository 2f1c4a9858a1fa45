import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from './client';
import type { DirectoryFacility, FacilityTypeInfo, LoginMethods, ProfessionInfo } from './types';

/** Active facilities of the network (names for OIDs, pickers). Cached for the session. */
export function useDirectoryFacilities(role?: 'views' | 'discloses') {
  return useQuery({
    queryKey: ['directory', 'facilities', role ?? 'all'],
    queryFn: () =>
      api<{ facilities: DirectoryFacility[] }>('/directory/facilities', { query: { role } }).then(
        (r) => r.facilities,
      ),
    staleTime: 10 * 60_000,
  });
}

/** oid → facility name, falling back to the OID itself. */
export function useFacilityName(): (oid: string, fallback?: string | null) => string {
  const { data } = useDirectoryFacilities();
  return useCallback(
    (oid: string, fallback?: string | null) => data?.find((f) => f.oid === oid)?.name ?? fallback ?? oid,
    [data],
  );
}

export function useProfessions() {
  return useQuery({
    queryKey: ['directory', 'professions'],
    queryFn: () =>
      api<{ professions: ProfessionInfo[] }>('/directory/professions').then((r) => r.professions),
    staleTime: 60 * 60_000,
  });
}

export function useFacilityTypes() {
  return useQuery({
    queryKey: ['directory', 'facility-types'],
    queryFn: () =>
      api<{ facilityTypes: FacilityTypeInfo[] }>('/directory/facility-types').then((r) => r.facilityTypes),
    staleTime: 60 * 60_000,
  });
}

/** How one may log in here and the network's name (`GET /auth/methods`): public, fetched once per page. */
export function useLoginMethods() {
  return useQuery({
    queryKey: ['login-methods'],
    queryFn: () => api<LoginMethods>('/auth/methods'),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
