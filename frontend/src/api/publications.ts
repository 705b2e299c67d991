/**
 * Open data decisions: which unit-years are public (GET /api/v1/public/publications, asked past the
 * browser's cache: a public answer may be kept 60 s, and the admin must see the decision just taken),
 * publishing (POST /reports/{unit}/{year}/publish) and withdrawing with a reason (DELETE, same URL).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { unwrap } from './problem';
import type { components } from './schema';

export type Publication = components['schemas']['PublicationOut'];

export const publicationsKey = ['public', 'publications'] as const;

export function usePublications(enabled = true) {
  return useQuery({
    enabled,
    queryKey: publicationsKey,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/public/publications', { signal, cache: 'no-cache' })).items,
  });
}

/** The publication of a unit's year (the code read on 31 December of the year, as the API reads it). */
export function findPublication(items: readonly Publication[] | undefined, unit: string, year: number) {
  return items?.find((p) => p.unit_code === unit && p.year === year);
}

export function usePublishMutations(unit: string, year: number) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['public'] });
  const path = { params: { path: { unit_code: unit, year } } };
  const publish = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/reports/{unit_code}/{year}/publish', path)),
    onSuccess: refresh,
  });
  const unpublish = useMutation({
    mutationFn: async (reason: string) => {
      unwrap(await api.DELETE('/api/v1/reports/{unit_code}/{year}/publish', { ...path, body: { reason } }));
    },
    onSuccess: refresh,
  });
  return { publish, unpublish };
}
