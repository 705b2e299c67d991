/** Queries for administrative units (/api/v1/units). */
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { todayIso } from '../lib/format';
import { api } from './client';
import { ApiError, isProblem, unwrap } from './problem';
import type { components } from './schema';

export type Unit = components['schemas']['UnitOut'];
export type UnitLevel = components['schemas']['UnitLevel'];
export const UNIT_LEVELS: readonly UnitLevel[] = ['province', 'district', 'commune', 'village'];

/** The two maps the dashboard switches between: before the 2025 reform, and today's. */
export type MapChoice = 'old' | 'new';
export const OLD_MAP_DATE = '2024-12-31';

export function asOfFor(map: MapChoice): string {
  return map === 'old' ? OLD_MAP_DATE : todayIso();
}

export function parseMap(v: string | null): MapChoice {
  return v === 'old' ? 'old' : 'new';
}

export function parseLevel(v: string | null): UnitLevel | undefined {
  return UNIT_LEVELS.find((l) => l === v);
}

export interface UnitFilters {
  asOf: string;
  q?: string | undefined;
  level?: UnitLevel | undefined;
  parent?: string | undefined;
}

export const PAGE_SIZE = 100;

function listQuery(f: UnitFilters, limit: number, cursor?: string) {
  return {
    as_of: f.asOf,
    q: f.q || undefined,
    level: f.level,
    parent: f.parent || undefined,
    limit,
    cursor,
  };
}

export function useUnitList(f: UnitFilters) {
  return useInfiniteQuery({
    queryKey: ['units', 'list', f],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(await api.GET('/api/v1/units', { params: { query: listQuery(f, PAGE_SIZE, pageParam) }, signal })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useUnit(code: string, asOf: string, enabled = true) {
  return useQuery({
    enabled: enabled && code !== '',
    queryKey: ['units', 'one', code, asOf],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/units/{code}', { params: { path: { code }, query: { as_of: asOf } }, signal }),
      ),
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
}

export function useUnitChildren(code: string, asOf: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: ['units', 'children', code, asOf],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/api/v1/units/{code}/children', {
          params: { path: { code }, query: { as_of: asOf, limit: 500, cursor: pageParam } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
  });
}

/**
 * The whole list (every page) as one CSV text, from the API's own CSV (`?format=csv`): pages are
 * followed through the `X-Next-Cursor` header and joined under the first page's header row.
 */
export async function exportUnitsCsv(f: UnitFilters): Promise<string> {
  let cursor: string | undefined;
  let out = '';
  for (let page = 0; page < 100; page++) {
    const { data, error, response } = await api.GET('/api/v1/units', {
      params: { query: { ...listQuery(f, 1000, cursor), format: 'csv' } },
      parseAs: 'text',
    });
    if (error !== undefined || !response.ok || typeof data !== 'string') {
      throw new ApiError(response.status, isProblem(error) ? error : null);
    }
    if (page === 0) {
      out = data;
    } else {
      // Drop the BOM and header row of the later pages.
      const body = data.replace(/^\uFEFF/, '');
      const firstBreak = body.indexOf('\n');
      out += firstBreak < 0 ? '' : body.slice(firstBreak + 1);
    }
    cursor = response.headers.get('X-Next-Cursor') ?? undefined;
    if (!cursor) break;
  }
  if (!out.startsWith('\uFEFF')) out = '\uFEFF' + out;
  return out;
}
