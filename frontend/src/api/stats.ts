/** Queries for the statistics endpoints (/api/v1/stats/*) and their CSV export. */
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { IndicatorName } from '../lib/indicators';
import { api } from './client';
import { ApiError, isProblem, unwrap } from './problem';
import type { components } from './schema';

export type Highlights = components['schemas']['HighlightsOut'];
export type Highlight = components['schemas']['Highlight'];
export type Indicators = components['schemas']['IndicatorsOut'];
export type IndicatorRow = components['schemas']['IndicatorRow'];
export type Series = components['schemas']['SeriesOut'];
export type Coverage = components['schemas']['Coverage'];

/** The place the statistics are about: a unit code (null = the whole country) read on a date. */
export interface PlaceQuery {
  unit: string | null;
  year: number;
  /** undefined: today (the API then falls back to the year's map for units gone today). */
  asOf: string | undefined;
}

/** The highlights query, shared by the hook and the overview's early start (pages/overview/prefetch.ts). */
export function highlightsQuery(p: PlaceQuery) {
  return queryOptions({
    queryKey: ['stats', 'highlights', p],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/stats/highlights', {
          params: { query: { unit: p.unit ?? undefined, year: p.year, as_of: p.asOf } },
          signal,
        }),
      ),
  });
}

export function useHighlights(p: PlaceQuery, enabled = true) {
  return useQuery({ ...highlightsQuery(p), enabled, placeholderData: keepPreviousData });
}

export interface IndicatorsQuery extends PlaceQuery {
  breakdown?: boolean;
  status?: 'approved' | 'all';
  indicators?: readonly IndicatorName[];
}

function indicatorsParams(q: IndicatorsQuery) {
  return {
    unit: q.unit ?? undefined,
    year: q.year,
    as_of: q.asOf,
    breakdown: q.breakdown ? ('children' as const) : undefined,
    status: q.status ?? 'approved',
    indicator: q.indicators?.length ? [...q.indicators] : undefined,
  };
}

export function useIndicators(q: IndicatorsQuery, enabled = true) {
  return useQuery({
    queryKey: ['stats', 'indicators', q],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/stats/indicators', { params: { query: indicatorsParams(q) }, signal })),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export interface SeriesQuery {
  unit: string | null;
  indicator: IndicatorName;
  from: number;
  to: number;
  asOf: string | undefined;
}

export function seriesQuery(q: SeriesQuery) {
  return queryOptions({
    queryKey: ['stats', 'series', q],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/stats/series', {
          params: { query: { unit: q.unit ?? undefined, indicator: q.indicator, from: q.from, to: q.to, as_of: q.asOf } },
          signal,
        }),
      ),
  });
}

export function useSeries(q: SeriesQuery, enabled = true) {
  return useQuery({ ...seriesQuery(q), enabled });
}

/**
 * The latest year worth opening first: the most recent year whose coverage is at least half of
 * the best year's in the series (so three early reports of this year do not hide last year's
 * complete figures); null when no year has any figure.
 */
export function defaultYearFrom(series: Series | undefined): number | null {
  const counted = (series?.items ?? []).filter((p) => p.coverage.counted > 0 && p.value !== null);
  if (counted.length === 0) return null;
  const best = Math.max(...counted.map((p) => p.coverage.counted));
  const good = counted.filter((p) => p.coverage.counted * 2 >= best);
  return Math.max(...good.map((p) => p.year));
}

/** The indicators as the API's own CSV (`?format=csv`), with the bearer token. */
export async function fetchIndicatorsCsv(q: IndicatorsQuery): Promise<string> {
  const { data, error, response } = await api.GET('/api/v1/stats/indicators', {
    params: { query: { ...indicatorsParams(q), format: 'csv' } },
    parseAs: 'text',
  });
  if (error !== undefined || !response.ok || typeof data !== 'string') {
    throw new ApiError(response.status, isProblem(error) ? error : null);
  }
  return data.startsWith('\uFEFF') ? data : '\uFEFF' + data;
}

/** Hand a text or blob to the browser as a download. */
export function downloadBlob(content: Blob | string, filename: string, type = 'text/csv;charset=utf-8'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
