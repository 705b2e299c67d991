/**
 * The recognition screens' filters, kept in the URL (so the scoring screen's next/previous and a
 * shared link keep them): unit (the user's own by default), year (the current one, or the last
 * year of a unit that ended on the 2025 map), title, target group, status, village.
 */
import { useSearchParams } from 'react-router';
import { GROUPS, STATUSES, TITLES, type RegFilters, type RegStatus, type TargetGroup, type Title } from '../../api/recognition';
import { useAuth } from '../../auth/AuthProvider';
import { isUnitCode } from '../../components/UnitName';
import { currentYear } from '../place/usePlace';
import { useUnitEnd } from '../../lib/useUnitEnd';

export function readFilters(params: URLSearchParams, defaultUnit: string, defaultYear: number): RegFilters {
  const unit = params.has('unit') ? (params.get('unit') ?? '') : defaultUnit;
  const yearText = params.get('year') ?? '';
  const title = params.get('title') ?? '';
  const group = params.get('group') ?? '';
  const status = params.get('status') ?? '';
  const village = (params.get('village') ?? '').trim();
  const f: RegFilters = { year: /^\d{4}$/.test(yearText) ? Number(yearText) : defaultYear };
  if (isUnitCode(unit)) f.unit = unit;
  if ((TITLES as readonly string[]).includes(title)) f.title = title as Title;
  if (f.title === 'cong_dan' && (GROUPS as readonly string[]).includes(group)) f.target_group = group as TargetGroup;
  if ((STATUSES as readonly string[]).includes(status)) f.status = status as RegStatus;
  if (village) f.village = village;
  return f;
}

/** The filters as URL parameters (`group` for target_group). */
export function filterParams(f: Partial<RegFilters>): URLSearchParams {
  const p = new URLSearchParams();
  p.set('unit', f.unit ?? '');
  if (f.year) p.set('year', String(f.year));
  if (f.title) p.set('title', f.title);
  if (f.target_group) p.set('group', f.target_group);
  if (f.status) p.set('status', f.status);
  if (f.village) p.set('village', f.village);
  return p;
}

export function useRecognitionFilters() {
  const { me } = useAuth();
  const [params, setParams] = useSearchParams();
  const home = me?.unit_code ?? '';
  const { ended } = useUnitEnd(home || null);
  const defaultYear = ended ? Math.min(ended.lastYear, currentYear()) : currentYear();
  const filters = readFilters(params, home, defaultYear);
  return { filters, params, setParams };
}
