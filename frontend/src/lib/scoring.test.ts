import { describe, expect, it } from 'vitest';
import { evaluateSheet, parsePoints, scoresOf, valuesOf, type CriteriaLike } from './scoring';

const CODES = ['1.1', '1.2', '1.3', '1.4', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3'];
// A learning citizen's sheet: ten indices of 10 points, ≥ 80 and no index below 5 (the rule is data).
const CITIZEN: CriteriaLike = {
  pass_rule: { min_total: 80, min_per_index: 5 },
  criteria: [
    { indices: CODES.slice(0, 4).map((code) => ({ code, max_points: 10 })) },
    { indices: CODES.slice(4, 7).map((code) => ({ code, max_points: 10 })) },
    { indices: CODES.slice(7).map((code) => ({ code, max_points: 10 })) },
  ],
};

function sheet(...points: (number | string)[]): Record<string, string> {
  return Object.fromEntries(CODES.map((c, i) => [c, String(points[i] ?? '')]));
}

describe('evaluateSheet', () => {
  it('passes 80 points with every index at 5 or more', () => {
    const s = evaluateSheet(CITIZEN, sheet(8, 8, 8, 8, 8, 8, 8, 8, 8, 8));
    expect(s).toMatchObject({ total: 80, maxTotal: 100, complete: true, passed: true, below: [], shortBy: 0 });
  });

  it('does not pass 80 points with one index at 4', () => {
    const s = evaluateSheet(CITIZEN, sheet(4, 8, 8, 8, 8, 9, 9, 9, 9, 8));
    expect(s.total).toBe(80);
    expect(s.passed).toBe(false);
    expect(s.below).toEqual(['1.1']);
  });

  it('does not pass 79 points, and says how many are missing', () => {
    const s = evaluateSheet(CITIZEN, sheet(7, 8, 8, 8, 8, 8, 8, 8, 8, 8));
    expect(s).toMatchObject({ total: 79, passed: false, shortBy: 1 });
  });

  it('keeps a running total while boxes are empty, and decides nothing yet', () => {
    const s = evaluateSheet(CITIZEN, sheet(10, 9));
    expect(s.total).toBe(19);
    expect(s.complete).toBe(false);
    expect(s.passed).toBeNull();
    expect(s.missing).toHaveLength(8);
  });

  it('reads the rule from the data, not a fixed 80/5', () => {
    const lenient: CriteriaLike = { ...CITIZEN, pass_rule: { min_total: 50, min_per_index: 2 } };
    expect(evaluateSheet(lenient, sheet(3, 6, 6, 6, 6, 6, 6, 6, 6, 6)).passed).toBe(true);
    expect(evaluateSheet(lenient, sheet(1, 9, 9, 9, 9, 9, 9, 9, 9, 9)).passed).toBe(false);
  });

  it('names a box above its maximum, negative or not whole as invalid', () => {
    const s = evaluateSheet(CITIZEN, sheet(11, -1, 7.5, 'abc', 8, 8, 8, 8, 8, 8));
    expect(s.invalid).toEqual(['1.1', '1.2', '1.3', '1.4']);
    expect(s.total).toBe(48);
    expect(s.passed).toBeNull();
  });
});

describe('sheet values', () => {
  it('round-trips a saved sheet', () => {
    const saved = Object.fromEntries(CODES.map((c) => [c, 9]));
    const values = valuesOf(CITIZEN, saved);
    expect(values['3.3']).toBe('9');
    expect(scoresOf(CITIZEN, values)).toEqual(saved);
    expect(valuesOf(CITIZEN, null)['1.1']).toBe('');
  });

  it('parses points', () => {
    expect(parsePoints(' 10 ', 10)).toBe(10);
    expect(parsePoints('0', 10)).toBe(0);
    expect(parsePoints('', 10)).toBeNull();
    expect(parsePoints('1e1', 10)).toBeNull();
  });
});
