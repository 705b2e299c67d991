import type { TFunction } from 'i18next';

type LooseT = (key: string, options?: Record<string, unknown>) => string;

/** Translate a key built at run time (an enum value, a field name); the key must exist in vi.ts. */
export function tx(t: TFunction, key: string, options?: Record<string, unknown>): string {
  return (t as unknown as LooseT)(key, options);
}
