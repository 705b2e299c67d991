/**
 * The place a statistics page is about, held in the URL: `?unit=34&map=old&year=2023`.
 *
 * - unit: a code, or "VN" for the whole country; default the user's unit (national users: VN).
 * - map: "old" (31/12/2024) or "new" (today). A unit that exists on one map only is read on
 *   that one; from 2025 on, figures are recorded on today's units, so the new map is used.
 * - year: default the latest year with figures (see defaultYearFrom).
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { ApiError, unwrap } from '../../api/problem';
import { defaultYearFrom, useSeries, type Series, type SeriesQuery } from '../../api/stats';
import { asOfFor, OLD_MAP_DATE, type MapChoice, type Unit } from '../../api/units';
import { useAuth } from '../../auth/AuthProvider';
import { todayIso } from '../../lib/format';

export const FIRST_YEAR = 2015;
/** Figures from this year on are recorded on the units made by the 2025 reform. */
export const REFORM_YEAR = 2025;

export function currentYear(): number {
  return Number(todayIso().slice(0, 4));
}

export function parseYear(v: string | null): number | undefined {
  if (!v || !/^\d{4}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 1990 && n <= 2100 ? n : undefined;
}

export interface CodeLookup {
  /** The unit the code named on 31/12/2024, if any. */
  old: Unit | null;
  /** The unit it names today, if any (looked up only when needed). */
  now: Unit | null;
  /** Whether the code names a unit today (for old units: when they kept their code). */
  onNew: boolean;
}

async function unitOn(code: string, asOf: string, signal: AbortSignal): Promise<Unit | null> {
  try {
    return unwrap(await api.GET('/api/v1/units/{code}', { params: { path: { code }, query: { as_of: asOf } }, signal }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/**
 * What a code names on each map. The pre-2025 map is asked first: a unit still valid, or one
 * whose successors kept its code (33 Hưng Yên, 01 Hà Nội), is on today's map too, and a unit
 * gone without a successor of the same code (34 Thái Bình, its districts and communes) is not;
 * today's map is asked only for codes the old map does not know. (Asking for a code that names
 * no unit answers 404, which browsers log; this keeps such answers to unknown codes.)
 */
export async function lookupCode(code: string, signal: AbortSignal): Promise<CodeLookup> {
  const old = await unitOn(code, OLD_MAP_DATE, signal);
  if (old) {
    const kept = old.valid_to === null || old.successor_codes.includes(code);
    const now = kept && old.valid_to !== null ? await unitOn(code, todayIso(), signal) : kept ? old : null;
    return { old, now, onNew: now !== null };
  }
  const now = await unitOn(code, todayIso(), signal);
  return { old: null, now, onNew: now !== null };
}

export function unitMapsQuery(code: string) {
  return queryOptions({
    queryKey: ['units', 'maps', code],
    queryFn: ({ signal }) => lookupCode(code, signal),
    staleTime: 60 * 60_000,
  });
}

/** Whether a unit code names a unit today and on 31/12/2024 (null code: the country, both). */
export function useUnitMaps(code: string | null) {
  const q = useQuery({ ...unitMapsQuery(code ?? ''), enabled: code !== null });
  if (code === null) return { ready: true, error: null, onNew: true, onOld: true };
  return {
    ready: q.isSuccess,
    error: q.error,
    onNew: q.data?.onNew === true,
    onOld: q.data?.old != null,
    retry: () => void q.refetch(),
  };
}

export interface Place {
  /** null: the whole country. */
  unit: string | null;
  map: MapChoice;
  year: number;
  /** The date the statistics read the unit code on (undefined: today, as the API decides). */
  asOf: string | undefined;
  /** The date to look the unit (its name, its parents) up on. */
  unitDate: string;
  /** Both maps make sense for this unit and year. */
  mapChoice: boolean;
  /** The unit exists on the pre-2025 map only. */
  oldOnly: boolean;
}

export type PlaceState =
  | { status: 'loading' }
  | { status: 'error'; error: unknown; retry: () => void }
  | { status: 'unknown-unit'; unit: string }
  | { status: 'ready'; place: Place };

export function usePlace() {
  const { me } = useAuth();
  const [params, setParams] = useSearchParams();
  const unitParam = params.get('unit');
  const unit = unitParam === 'VN' ? null : (unitParam ?? me?.unit_code ?? null);
  const mapParam = params.get('map');
  const yearParam = parseYear(params.get('year'));
  const maps = useUnitMaps(unit);
  const series = useSeries(
    membersQuery(unit, maps),
    maps.ready && yearParam === undefined && (maps.onNew || maps.onOld),
  );

  const update = (changes: { unit?: string | null; map?: MapChoice | null; year?: number | null }) => {
    const next = new URLSearchParams(params);
    if (changes.unit !== undefined) next.set('unit', changes.unit ?? 'VN');
    if (changes.map !== undefined) {
      if (changes.map) next.set('map', changes.map);
      else next.delete('map');
    }
    if (changes.year !== undefined) {
      if (changes.year) next.set('year', String(changes.year));
      else next.delete('year');
    }
    setParams(next);
  };

  let state: PlaceState;
  if (maps.error) {
    state = { status: 'error', error: maps.error, retry: maps.retry ?? (() => undefined) };
  } else if (!maps.ready) {
    state = { status: 'loading' };
  } else if (unit !== null && !maps.onNew && !maps.onOld) {
    state = { status: 'unknown-unit', unit };
  } else if (yearParam === undefined && series.isPending) {
    state = { status: 'loading' };
  } else {
    state = { status: 'ready', place: placeOf({ unit, maps, yearParam, mapParam, members: series.data }) };
  }
  return { state, update, search: params };
}

type Maps = { onNew: boolean; onOld: boolean };

/** The members series of the last ten years, which decides the year opened first. */
export function membersQuery(unit: string | null, maps: Maps): SeriesQuery {
  const cy = currentYear();
  return { unit, indicator: 'members', from: cy - 9, to: cy, asOf: asOfFor(maps.onNew ? 'new' : 'old') };
}

/** The place from the URL's choices and what the unit code names on each map. */
export function placeOf(p: {
  unit: string | null;
  maps: Maps;
  yearParam: number | undefined;
  mapParam: string | null;
  members: Series | undefined;
}): Place {
  const { unit, maps } = p;
  const year = p.yearParam ?? defaultYearFrom(p.members) ?? currentYear();
  let map: MapChoice = p.mapParam === 'old' || p.mapParam === 'new' ? p.mapParam : maps.onNew ? 'new' : 'old';
  if (!maps.onOld) map = 'new';
  if (!maps.onNew) map = 'old';
  // From 2025 figures are on today's units: read the code today (the API falls back to the
  // year's map by itself when the code names no unit today).
  const afterReform = year >= REFORM_YEAR;
  if (afterReform) map = 'new';
  return {
    unit,
    map,
    year,
    asOf: afterReform ? undefined : asOfFor(map),
    unitDate: afterReform ? todayIso() : asOfFor(map),
    mapChoice: maps.onNew && maps.onOld && !afterReform,
    oldOnly: !maps.onNew,
  };
}

/** The query string for a place, to link between the overview and the compliance pages. */
export function placeSearch(p: { unit: string | null; map: MapChoice; year: number }): string {
  const q = new URLSearchParams({ unit: p.unit ?? 'VN', map: p.map, year: String(p.year) });
  return `?${q.toString()}`;
}
