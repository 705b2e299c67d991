import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatInteger,
  formatPercent,
  formatPoints,
  formatVnd,
  formatVndShort,
  todayIso,
} from './format';

describe('formatInteger', () => {
  it('groups thousands with dots', () => {
    expect(formatInteger(662525)).toBe('662.525');
    expect(formatInteger(1234)).toBe('1.234');
    expect(formatInteger(0)).toBe('0');
    expect(formatInteger(-1500)).toBe('-1.500');
  });
  it('shows a dash for missing values', () => {
    expect(formatInteger(null)).toBe('—');
    expect(formatInteger(undefined)).toBe('—');
  });
});

describe('formatVnd', () => {
  it('writes whole đồng with the đ sign', () => {
    expect(formatVnd(163_000_000_000)).toBe('163.000.000.000 đ');
    expect(formatVnd(0)).toBe('0 đ');
    expect(formatVnd(null)).toBe('—');
  });
});

describe('formatVndShort', () => {
  it('uses tỷ, triệu and nghìn', () => {
    expect(formatVndShort(163_000_000_000)).toBe('163 tỷ đồng');
    expect(formatVndShort(1_500_000)).toBe('1,5 triệu đồng');
    expect(formatVndShort(2_450_000_000)).toBe('2,5 tỷ đồng');
    expect(formatVndShort(25_000)).toBe('25 nghìn đồng');
    expect(formatVndShort(1_234_560_000_000)).toBe('1.234,6 tỷ đồng');
  });
  it('keeps small amounts whole', () => {
    expect(formatVndShort(500)).toBe('500 đồng');
    expect(formatVndShort(0)).toBe('0 đồng');
  });
  it('moves up a scale instead of writing 1.000', () => {
    expect(formatVndShort(999_960_000)).toBe('1 tỷ đồng');
    expect(formatVndShort(950_000_000)).toBe('950 triệu đồng');
  });
  it('handles negative amounts and missing values', () => {
    expect(formatVndShort(-1_500_000)).toBe('-1,5 triệu đồng');
    expect(formatVndShort(undefined)).toBe('—');
  });
});

describe('formatPercent', () => {
  it('formats a rate object with one decimal and a comma', () => {
    expect(formatPercent({ numerator: 349, denominator: 1000, value: 0.349 })).toBe('34,9%');
    expect(formatPercent({ numerator: 1, denominator: 3, value: 1 / 3 })).toBe('33,3%');
    expect(formatPercent({ numerator: 5, denominator: 5, value: 1 })).toBe('100,0%');
  });
  it('shows a dash when the denominator is 0', () => {
    expect(formatPercent({ numerator: 0, denominator: 0, value: null })).toBe('—');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('formatPoints', () => {
  it('signs percentage-point changes', () => {
    expect(formatPoints(0.5)).toBe('+0,5 điểm');
    expect(formatPoints(-1.25)).toBe('-1,3 điểm');
    expect(formatPoints(2)).toBe('+2 điểm');
    expect(formatPoints(0)).toBe('0 điểm');
    expect(formatPoints(null)).toBe('—');
  });
});

describe('formatDate', () => {
  it('writes dd/mm/yyyy', () => {
    expect(formatDate('2023-02-27')).toBe('27/02/2023');
    expect(formatDate('2025-07-01')).toBe('01/07/2025');
    expect(formatDate('2024-12-31T23:30:00Z')).toBe('31/12/2024');
  });
  it('shows a dash for missing dates', () => {
    expect(formatDate(null)).toBe('—');
    expect(formatDate('')).toBe('—');
  });
});

describe('formatDateTime', () => {
  it('shows the time in Vietnam', () => {
    expect(formatDateTime('2023-02-27T07:05:00Z')).toBe('27/02/2023 14:05');
    expect(formatDateTime('2024-12-31T20:00:00Z')).toBe('01/01/2025 03:00');
  });
});

describe('todayIso', () => {
  it('is the date in Vietnam', () => {
    expect(todayIso(new Date('2025-06-30T18:00:00Z'))).toBe('2025-07-01');
    expect(todayIso(new Date('2025-06-30T16:00:00Z'))).toBe('2025-06-30');
  });
});

describe('signed changes and typed integers', () => {
  it('signs changes of counts and money', async () => {
    const f = await import('./format');
    expect(f.formatSignedInteger(10525)).toBe('+10.525');
    expect(f.formatSignedInteger(-4888)).toBe('-4.888');
    expect(f.formatSignedInteger(0)).toBe('0');
    expect(f.formatSignedVnd(12_850_000_000)).toBe('+12.850.000.000 đ');
    expect(f.formatFraction(0.7)).toBe('70,0%');
    expect(f.formatSignedInteger(null)).toBe('—');
  });
  it('reads numbers typed with dots or spaces', async () => {
    const { parseInteger } = await import('./format');
    expect(parseInteger('6.800')).toBe(6800);
    expect(parseInteger(' 1 898 352 ')).toBe(1898352);
    expect(parseInteger('')).toBeNull();
    expect(parseInteger('12,5')).toBeNaN();
    expect(parseInteger('-3')).toBeNaN();
    expect(parseInteger('abc')).toBeNaN();
  });
});
