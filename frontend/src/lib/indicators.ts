/**
 * The indicators the statistics endpoints answer, and how to show their values: rates as
 * "34,9%", money in đồng, counts grouped by thousands; changes with a sign (points for rates).
 */
import type { components } from '../api/schema';
import {
  formatFraction,
  formatInteger,
  formatPercent,
  formatPoints,
  formatSignedInteger,
  formatSignedVnd,
  formatVnd,
  formatVndShort,
  MISSING,
  type Rate,
} from './format';

export type IndicatorName = components['schemas']['IndicatorName'];
export type IndicatorValue = Rate | number | null;

/** The rates, in the order the decisions and the seed article name them. */
export const RATE_INDICATORS = [
  'membership_rate',
  'learning_citizen_rate',
  'learning_family_rate',
  'learning_clan_rate',
  'learning_community_rate',
  'learning_unit_rate',
  'commune_learning_community_rate',
] as const satisfies readonly IndicatorName[];
export type RateIndicator = (typeof RATE_INDICATORS)[number];

/** Every indicator name (the keys of the i18n `indicators` tables). */
export const ALL_INDICATORS = [
  ...RATE_INDICATORS,
  'fund_raised_per_capita_vnd',
  'members',
  'branches',
  'boards',
  'fund_raised_vnd',
  'fund_balance_vnd',
  'awards_count',
  'awards_vnd',
  'emulation_flags',
  'medals',
  'certificates_of_merit',
  'inspections',
] as const satisfies readonly IndicatorName[];

export function isIndicatorName(v: string): v is IndicatorName {
  return (ALL_INDICATORS as readonly string[]).includes(v);
}

export function isRateIndicator(v: string): v is RateIndicator {
  return (RATE_INDICATORS as readonly string[]).includes(v);
}

export function isRate(v: unknown): v is Rate {
  return typeof v === 'object' && v !== null && 'numerator' in v && 'denominator' in v;
}

/** The headline groups of the overview page, in the seed article's order. */
export const HIGHLIGHT_GROUPS = [
  { id: 'association', keys: ['members', 'membership_rate', 'branches', 'boards'] },
  {
    id: 'learning',
    keys: [
      'learning_citizen_rate',
      'learning_family_rate',
      'learning_clan_rate',
      'learning_community_rate',
      'learning_unit_rate',
      'commune_learning_community_rate',
    ],
  },
  {
    id: 'funds',
    keys: ['fund_raised_vnd', 'fund_raised_per_capita_vnd', 'fund_balance_vnd', 'awards_count', 'awards_vnd'],
  },
  { id: 'honours', keys: ['emulation_flags', 'medals', 'certificates_of_merit', 'inspections'] },
] as const;
export type HighlightGroupId = (typeof HIGHLIGHT_GROUPS)[number]['id'] | 'other';

export function isMoney(key: string): boolean {
  return key.endsWith('_vnd');
}

/** The value as shown in a table or card. */
export function formatIndicatorValue(key: string, value: IndicatorValue | undefined): string {
  if (value === null || value === undefined) return MISSING;
  if (isRate(value)) return formatPercent(value);
  return isMoney(key) ? formatVnd(value) : formatInteger(value);
}

/** A short reading for big amounts of money ("163,3 tỷ đồng"); the exact value goes next to it. */
export function formatIndicatorShort(key: string, value: IndicatorValue | undefined): string {
  if (typeof value === 'number' && isMoney(key) && Math.abs(value) >= 1e6) return formatVndShort(value);
  return formatIndicatorValue(key, value);
}

/** The change against the previous year: points for rates, a signed count or amount otherwise. */
export function formatChange(key: string, kind: string, change: number | null | undefined): string {
  if (change === null || change === undefined) return MISSING;
  if (kind === 'rate') return formatPoints(change);
  return isMoney(key) ? formatSignedVnd(change) : formatSignedInteger(change);
}

/** value − target in percentage points, for a rate against a target given as a fraction. */
export function gapPoints(value: IndicatorValue | undefined, target: number | null | undefined): number | null {
  if (!isRate(value) || value.value === null || target === null || target === undefined) return null;
  return Math.round((value.value - target) * 1000) / 10;
}

export function formatTarget(kind: string, key: string, target: number | null | undefined): string {
  if (target === null || target === undefined) return MISSING;
  if (kind === 'rate') return formatFraction(target);
  return isMoney(key) ? formatVnd(target) : formatInteger(target);
}

/** The rate's value as a percentage number (34.9), for charts. */
export function ratePercent(value: IndicatorValue | undefined): number | null {
  return isRate(value) && value.value !== null ? Math.round(value.value * 1000) / 10 : null;
}
