/**
 * The live sheet of the scoring screen (issue 16): the running total and the pass rule as the
 * volunteer types. The rule is read from the criteria set's data (`pass_rule`: a least total and
 * a least score per index; a learning citizen: ≥ 80 and no index below 5), never written here.
 * A set may also carry a rating rule (`rating_rule`, Thông tư 44 for a commune learning community):
 * ordered bands, best first, each with a least total and a least share of every criterion's maximum;
 * the last band (Chưa đạt) is the catch-all and is never recognised. The cut-offs are data too.
 */

export interface RuleLike {
  min_total: number;
  min_per_index: number;
}

export interface IndexLike {
  code: string;
  max_points: number;
}

export interface BandLike {
  code: string;
  name: string;
  min_total: number;
  /** Least points of every criterion, in percent of its maximum (0: none). */
  min_criterion_share?: number;
}

export interface RatingRuleLike {
  bands: BandLike[];
}

export interface CriteriaLike {
  pass_rule: RuleLike;
  rating_rule?: RatingRuleLike | null;
  criteria: { code?: string; indices: IndexLike[] }[];
}

export interface RatingState {
  /** The band the points typed so far reach (empty and invalid boxes count 0). */
  band: BandLike;
  /** The next better band, or null at the best one. */
  next: BandLike | null;
  /** Points still needed for the next band's least total (0 when the total is enough). */
  toNext: number;
  /** Criteria (their codes) below the next band's least share of their maximum. */
  shareShort: string[];
  /** Whether the band may be recognised (any but the last). */
  recognisable: boolean;
}

export interface SheetState {
  /** Sum of the points typed so far (empty and invalid boxes count 0). */
  total: number;
  /** Most points the set gives. */
  maxTotal: number;
  /** Indices not typed yet. */
  missing: string[];
  /** Indices whose box holds no whole number between 0 and its maximum. */
  invalid: string[];
  /** Indices typed below the rule's least score per index. */
  below: string[];
  /** Points still needed to reach the least total (0 when reached). */
  shortBy: number;
  /** Every index typed with a valid number. */
  complete: boolean;
  /** Whether the sheet meets the rule (and rates above the last band); null until it is complete and valid. */
  passed: boolean | null;
  /** The live band, when the set has a rating rule. */
  rating: RatingState | null;
}

export function indicesOf(set: CriteriaLike): IndexLike[] {
  return set.criteria.flatMap((c) => c.indices);
}

/** A box's text as points: a whole number 0…max, or null (empty or invalid). */
export function parsePoints(text: string | undefined, max: number): number | null {
  const s = (text ?? '').trim();
  if (!/^\d{1,3}$/.test(s)) return null;
  const n = Number(s);
  return n <= max ? n : null;
}

function meets(band: BandLike, total: number, parts: readonly [number, number][]): boolean {
  const share = band.min_criterion_share ?? 0;
  return total >= band.min_total && parts.every(([p, m]) => p * 100 >= share * m);
}

/** The band of a sheet's points per index (the API's rule: the first band, best first, whose cut-offs it meets). */
export function rateSheet(set: CriteriaLike, points: Readonly<Record<string, number>>): RatingState | null {
  const bands = set.rating_rule?.bands ?? [];
  if (bands.length === 0) return null;
  const parts = set.criteria.map(
    (c) => [c.indices.reduce((a, ix) => a + (points[ix.code] ?? 0), 0), c.indices.reduce((a, ix) => a + ix.max_points, 0)] as [number, number],
  );
  const total = parts.reduce((a, [p]) => a + p, 0);
  const last = bands.length - 1;
  let at = bands.findIndex((b) => meets(b, total, parts));
  if (at < 0) at = last;
  const band = bands[at] ?? bands[last]!;
  const next = at > 0 ? (bands[at - 1] ?? null) : null;
  const share = next?.min_criterion_share ?? 0;
  const shareShort = next
    ? set.criteria.map((c, i) => c.code ?? String(i + 1)).filter((_, i) => (parts[i]?.[0] ?? 0) * 100 < share * (parts[i]?.[1] ?? 0))
    : [];
  return {
    band,
    next,
    toNext: next ? Math.max(0, next.min_total - total) : 0,
    shareShort,
    recognisable: at < last,
  };
}

export function evaluateSheet(set: CriteriaLike, values: Readonly<Record<string, string>>): SheetState {
  const rule = set.pass_rule;
  const indices = indicesOf(set);
  let total = 0;
  let maxTotal = 0;
  const typed: Record<string, number> = {};
  const missing: string[] = [];
  const invalid: string[] = [];
  const below: string[] = [];
  for (const ix of indices) {
    maxTotal += ix.max_points;
    const text = (values[ix.code] ?? '').trim();
    if (text === '') {
      missing.push(ix.code);
      continue;
    }
    const points = parsePoints(text, ix.max_points);
    if (points === null) {
      invalid.push(ix.code);
      continue;
    }
    total += points;
    typed[ix.code] = points;
    if (points < rule.min_per_index) below.push(ix.code);
  }
  const complete = missing.length === 0 && invalid.length === 0;
  const rating = rateSheet(set, typed);
  const passed = complete ? total >= rule.min_total && below.length === 0 && (rating?.recognisable ?? true) : null;
  return { total, maxTotal, missing, invalid, below, shortBy: Math.max(0, rule.min_total - total), complete, passed, rating };
}

/** The boxes' texts from a saved sheet (empty boxes where nothing was saved). */
export function valuesOf(set: CriteriaLike, scores: Readonly<Record<string, number>> | null | undefined): Record<string, string> {
  return Object.fromEntries(indicesOf(set).map((ix) => [ix.code, scores?.[ix.code] !== undefined ? String(scores[ix.code]) : '']));
}

/** The sheet to send: every index's points (only call when `complete`). */
export function scoresOf(set: CriteriaLike, values: Readonly<Record<string, string>>): Record<string, number> {
  return Object.fromEntries(indicesOf(set).map((ix) => [ix.code, parsePoints(values[ix.code], ix.max_points) ?? 0]));
}
