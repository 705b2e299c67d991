/**
 * The overview's requests, started as soon as the first script runs rather than one after the
 * other behind /me: on a link with 400 ms of latency each step of a chain costs a round trip.
 * The keys are those the page's hooks use, so the page finds the answers (or the requests in
 * flight) when it renders; a failure here is ignored, the page asks again and says why.
 */
import type { QueryClient } from '@tanstack/react-query';
import { highlightsQuery, seriesQuery, type SeriesQuery } from '../../api/stats';
import { getToken, rememberedUnit } from '../../auth/session';
import { preloadCharts } from '../../components/EChart';
import { membersQuery, parseYear, placeOf, unitMapsQuery, type Place } from '../place/usePlace';

/** The membership rate over the ten years up to the place's year (the overview's chart). */
export function trendQuery(place: Place): SeriesQuery {
  return { unit: place.unit, indicator: 'membership_rate', from: place.year - 9, to: place.year, asOf: place.asOf };
}

async function start(qc: QueryClient, params: URLSearchParams, remembered: string | null): Promise<void> {
  const unitParam = params.get('unit');
  const unit = unitParam === 'VN' ? null : (unitParam ?? remembered);
  let maps = { onNew: true, onOld: true };
  if (unit !== null) {
    const found = await qc.fetchQuery(unitMapsQuery(unit));
    maps = { onNew: found.onNew, onOld: found.old !== null };
    if (!maps.onNew && !maps.onOld) return;
  }
  const yearParam = parseYear(params.get('year'));
  const members = yearParam === undefined ? await qc.fetchQuery(seriesQuery(membersQuery(unit, maps))) : undefined;
  const place = placeOf({ unit, maps, yearParam, mapParam: params.get('map'), members });
  await Promise.all([
    qc.prefetchQuery(highlightsQuery({ unit: place.unit, year: place.year, asOf: place.asOf })),
    qc.prefetchQuery(seriesQuery(trendQuery(place))),
  ]);
}

/** On a load of the overview with a session, its data and ECharts asked for at once. */
export function prefetchOverview(qc: QueryClient, where: { pathname: string; search: string }): void {
  if (where.pathname !== '/' || getToken() === null) return;
  const remembered = rememberedUnit();
  preloadCharts();
  if (remembered === undefined && !new URLSearchParams(where.search).has('unit')) return;
  start(qc, new URLSearchParams(where.search), remembered ?? null).catch(() => undefined);
}
