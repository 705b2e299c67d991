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

// A commune learning community (Thông tư 44): 3 standards, 15 criteria, rated by bands (cut-offs are data).
const COMMUNE: CriteriaLike = {
  pass_rule: { min_total: 0, min_per_index: 0 },
  rating_rule: {
    bands: [
      { code: 'tot', name: 'Tốt', min_total: 85, min_criterion_share: 70 },
      { code: 'kha', name: 'Khá', min_total: 70, min_criterion_share: 50 },
      { code: 'trung_binh', name: 'Trung bình', min_total: 50, min_criterion_share: 0 },
      { code: 'chua_dat', name: 'Chưa đạt', min_total: 0, min_criterion_share: 0 },
    ],
  },
  criteria: [
    { code: 'I', indices: [6, 6, 6, 7].map((max_points, i) => ({ code: String(i + 1), max_points })) },
    { code: 'II', indices: [6, 6, 6, 7].map((max_points, i) => ({ code: String(i + 5), max_points })) },
    { code: 'III', indices: [7, 7, 7, 7, 7, 7, 8].map((max_points, i) => ({ code: String(i + 9), max_points })) },
  ],
};

/** The boxes of a commune sheet giving standards I, II, III these points (filled index by index). */
function commune(...perStandard: number[]): Record<string, string> {
  const out: Record<string, string> = {};
  COMMUNE.criteria.forEach((c, k) => {
    let want = perStandard[k] ?? 0;
    for (const ix of c.indices) {
      const p = Math.min(ix.max_points, want);
      out[ix.code] = String(p);
      want -= p;
    }
  });
  return out;
}

describe('rating bands (Thông tư 44)', () => {
  it('rates a total exactly at a cut-off in the band, one point below in the band under it', () => {
    expect(evaluateSheet(COMMUNE, commune(22, 22, 41)).rating?.band.code).toBe('tot'); // 85
    expect(evaluateSheet(COMMUNE, commune(22, 22, 40)).rating?.band.code).toBe('kha'); // 84
    expect(evaluateSheet(COMMUNE, commune(18, 18, 34)).rating?.band.code).toBe('kha'); // 70
    expect(evaluateSheet(COMMUNE, commune(18, 18, 33)).rating?.band.code).toBe('trung_binh'); // 69
    expect(evaluateSheet(COMMUNE, commune(13, 12, 25)).rating?.band.code).toBe('trung_binh'); // 50
    const low = evaluateSheet(COMMUNE, commune(13, 12, 24)); // 49
    expect(low.rating).toMatchObject({ band: { code: 'chua_dat' }, recognisable: false, toNext: 1 });
    expect(low.passed).toBe(false);
  });

  it('says how many points the next band needs, and which standard is under its share', () => {
    const s = evaluateSheet(COMMUNE, commune(20, 20, 42)); // 82: Khá, 3 short of Tốt
    expect(s.rating).toMatchObject({ band: { name: 'Khá' }, next: { name: 'Tốt' }, toNext: 3, shareShort: [] });
    expect(s.passed).toBe(true);
    const share = evaluateSheet(COMMUNE, commune(17, 25, 50)); // 92 but standard I at 68 %
    expect(share.rating).toMatchObject({ band: { code: 'kha' }, toNext: 0, shareShort: ['I'] });
    const best = evaluateSheet(COMMUNE, commune(25, 25, 50));
    expect(best.rating).toMatchObject({ band: { code: 'tot' }, next: null, toNext: 0 });
  });

  it('reads the cut-offs from the data', () => {
    const strict: CriteriaLike = {
      ...COMMUNE,
      rating_rule: { bands: COMMUNE.rating_rule!.bands.map((b) => (b.code === 'kha' ? { ...b, min_total: 75 } : b)) },
    };
    expect(evaluateSheet(COMMUNE, commune(20, 20, 32)).rating?.band.code).toBe('kha'); // 72
    expect(evaluateSheet(strict, commune(20, 20, 32)).rating?.band.code).toBe('trung_binh');
  });

  it('gives no band to a set without a rating rule', () => {
    expect(evaluateSheet(CITIZEN, sheet(8, 8, 8, 8, 8, 8, 8, 8, 8, 8)).rating).toBeNull();
  });
});
