import { useQuery } from '@tanstack/react-query';
import { lookupCode, type CodeLookup } from '../pages/place/usePlace';

const UNIT_CODE = /^\d{2,5}(-[0-9A-Za-z]{1,12})?$/;

export function isUnitCode(code: string): boolean {
  return UNIT_CODE.test(code);
}

/** What a unit code names on each map (shared cache with the statistics pages). */
export function useUnitLookup(code: string | null | undefined) {
  const valid = !!code && isUnitCode(code);
  return useQuery<CodeLookup>({
    queryKey: ['units', 'maps', code],
    queryFn: ({ signal }) => lookupCode(code ?? '', signal),
    enabled: valid,
    staleTime: 60 * 60_000,
    retry: false,
  });
}

export function unitNameOf(found: CodeLookup | undefined): string | undefined {
  return found?.now?.name ?? found?.old?.name;
}

/** A unit's name (from its code), with the code beside it (or under it: `stacked`). */
export function UnitName({ code, stacked = false }: { code: string; stacked?: boolean }) {
  const found = useUnitLookup(code);
  const name = unitNameOf(found.data);
  return (
    <span className={stacked ? 'unit-name stacked' : 'unit-name'}>
      {name ?? code}
      {name && <span className="unit-code muted mono small"> {code}</span>}
    </span>
  );
}

/**
 * The date to read a unit code on when recording something in it: today's map when the code
 * names a unit today (and the record is not about a year before the 2025 reform on a unit that
 * was different then), else the map of 31/12/2024.
 */
export function unitAsOf(found: CodeLookup | undefined, year?: number): string | undefined {
  if (!found) return undefined;
  if (!found.onNew && found.old) return '2024-12-31';
  if (year !== undefined && year < 2025 && found.old && found.now && found.old.valid_to !== null) return '2024-12-31';
  return undefined;
}
