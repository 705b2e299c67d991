/**
 * Numbers, money, rates and dates in Vietnamese form (vi-VN), whatever the interface language:
 * 662.525 · 163.000.000.000 đ · 163 tỷ đồng · 34,9% · +0,5 điểm · 27/02/2023.
 *
 * Every function answers "—" for a missing value (null or undefined) so tables never show
 * "NaN" or "null".
 */

import i18n from 'i18next';

export const LOCALE = 'vi-VN';
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const MISSING = '—';

/** A rate as the API sends it: value = numerator / denominator, null when the denominator is 0. */
export interface Rate {
  numerator: number;
  denominator: number;
  value: number | null;
}

type Maybe<T> = T | null | undefined;

const integerFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const shortFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat(LOCALE, {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const pointsFormat = new Intl.NumberFormat(LOCALE, {
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});
const signedIntegerFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
const dateFormat = new Intl.DateTimeFormat(LOCALE, {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: 'UTC',
});
const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
  timeZone: TIME_ZONE,
});

function missing(n: Maybe<number>): n is null | undefined {
  return n === null || n === undefined || Number.isNaN(n);
}

/** 662525 → "662.525". */
export function formatInteger(n: Maybe<number>): string {
  return missing(n) ? MISSING : integerFormat.format(n);
}

/** A change in a count: 10525 → "+10.525", -4888 → "-4.888", 0 → "0". */
export function formatSignedInteger(n: Maybe<number>): string {
  return missing(n) ? MISSING : signedIntegerFormat.format(n);
}

/** A change in đồng: 12850000000 → "+12.850.000.000 đ". */
export function formatSignedVnd(n: Maybe<number>): string {
  return missing(n) ? MISSING : `${signedIntegerFormat.format(n)} đ`;
}

/** A fraction as a percentage: 0.7 → "70,0%" (targets are fractions). */
export function formatFraction(f: Maybe<number>): string {
  return missing(f) ? MISSING : percentFormat.format(f);
}

/**
 * A whole number typed by a person, in the form it is shown ("6.800", "6 800", "6800") → 6800;
 * "" → null; anything else (letters, a decimal comma, a minus sign) → NaN.
 */
export function parseInteger(text: string): number | null {
  const t = text.replace(/[\s.\u00a0\u202f]/g, '');
  if (t === '') return null;
  if (!/^\d+$/.test(t)) return Number.NaN;
  return Number(t);
}

/** An amount of đồng (integer): 163000000000 → "163.000.000.000 đ". */
export function formatVnd(n: Maybe<number>): string {
  return missing(n) ? MISSING : `${integerFormat.format(n)} đ`;
}

const SCALES: ReadonlyArray<readonly [number, string]> = [
  [1e9, 'tỷ'],
  [1e6, 'triệu'],
  [1e3, 'nghìn'],
];

/** An amount of đồng in words for headlines: 163e9 → "163 tỷ đồng", 1.5e6 → "1,5 triệu đồng". */
export function formatVndShort(n: Maybe<number>): string {
  if (missing(n)) return MISSING;
  const abs = Math.abs(n);
  for (const [scale, word] of SCALES) {
    // From 999,95 of the scale below (which would read "1.000 triệu"), say "1 tỷ" instead.
    if (abs >= scale * 0.99995) return `${shortFormat.format(n / scale)} ${word} đồng`;
  }
  return `${integerFormat.format(n)} đồng`;
}

/** A rate object → "34,9%"; "—" when its value is null (denominator 0) or the rate is missing. */
export function formatPercent(rate: Maybe<Rate>): string {
  if (!rate || missing(rate.value)) return MISSING;
  return percentFormat.format(rate.value);
}

/** "điểm" (percentage points) in the interface language; the number keeps its Vietnamese form. */
function points(): string {
  return i18n.language === 'en' ? 'points' : 'điểm';
}

/** A change in percentage points: 0.5 → "+0,5 điểm", -1.25 → "-1,3 điểm", 0 → "0 điểm". */
export function formatPoints(pp: Maybe<number>): string {
  return missing(pp) ? MISSING : `${pointsFormat.format(pp)} ${points()}`;
}

const unsignedPointsFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });

/** A distance in percentage points, without a sign: -4.4 → "4,4 điểm". */
export function formatPointsAbs(pp: Maybe<number>): string {
  return missing(pp) ? MISSING : `${unsignedPointsFormat.format(Math.abs(pp))} ${points()}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** "2023-02-27" (or the date part of a timestamp) → "27/02/2023". */
export function formatDate(iso: Maybe<string>): string {
  if (!iso) return MISSING;
  const m = ISO_DATE.exec(iso);
  if (!m) return iso;
  return dateFormat.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** An RFC 3339 timestamp → "27/02/2023 14:05" in Vietnam's time. */
export function formatDateTime(iso: Maybe<string>): string {
  if (!iso) return MISSING;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(dateTimeFormat.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** Today's date in Vietnam as YYYY-MM-DD (the API reads unit codes on a date). */
export function todayIso(now: Date = new Date()): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      timeZone: TIME_ZONE,
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}
