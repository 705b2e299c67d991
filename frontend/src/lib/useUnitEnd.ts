import { useUnitLookup } from '../components/UnitName';
import type { Unit } from '../api/units';
import { lastReportYear } from './unitDating';

export interface UnitEnd {
  /** The unit as on its last day (looked up on the pre-2025 map). */
  unit: Unit;
  /** Its last day, ISO. */
  end: string;
  /** The last year it reports for. */
  lastYear: number;
}

/** When the unit a code names has ended (not on today's map): its last day and last report year. */
export function useUnitEnd(code: string | null | undefined): { ready: boolean; ended: UnitEnd | null } {
  const found = useUnitLookup(code);
  const old = found.data?.old;
  if (!found.data || found.data.onNew || !old?.valid_to) return { ready: found.isSuccess || !found.isFetching, ended: null };
  const lastYear = lastReportYear(old.valid_to);
  return { ready: true, ended: lastYear === null ? null : { unit: old, end: old.valid_to, lastYear } };
}
