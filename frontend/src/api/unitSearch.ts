/** Finding units by name (diacritics optional: the API folds them) or by code, on both maps. */
import { api } from './client';
import { unwrap } from './problem';
import { OLD_MAP_DATE, type Unit } from './units';
import { lookupCode } from '../pages/place/usePlace';
import { todayIso } from '../lib/format';

async function findOn(q: string, asOf: string, signal: AbortSignal): Promise<Unit[]> {
  const page = unwrap(await api.GET('/api/v1/units', { params: { query: { q, as_of: asOf, limit: 10 } }, signal }));
  return page.items.filter((u) => u.level !== 'village');
}

/**
 * Today's units first, then those of the pre-2025 map; a unit the same on both (same code, same
 * name) is listed once. A code finds what it names on each map.
 */
export async function searchUnits(q: string, signal: AbortSignal): Promise<Unit[]> {
  let found: Unit[];
  if (/^\d{2,5}$/.test(q)) {
    const c = await lookupCode(q, signal);
    found = [c.now, c.old].filter((u): u is Unit => u !== null);
  } else {
    const [now, old] = await Promise.all([findOn(q, todayIso(), signal), findOn(q, OLD_MAP_DATE, signal)]);
    found = [...now, ...old];
  }
  const seen = new Set<string>();
  return found.filter((u) => {
    const key = `${u.code}|${u.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
