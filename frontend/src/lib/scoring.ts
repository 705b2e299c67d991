/**
 * The live sheet of the scoring screen (issue 16): the running total and the pass rule as the
 * volunteer types. The rule is read from the criteria set's data (`pass_rule`: a least total and
 * a least score per index; a learning citizen: ≥ 80 and no index below 5), never written here.
 */

export interface RuleLike {
  min_total: number;
  min_per_index: number;
}

export interface IndexLike {
  code: string;
  max_points: number;
}

export interface CriteriaLike {
  pass_rule: RuleLike;
  criteria: { indices: IndexLike[] }[];
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
  /** Whether the sheet meets the rule; null until it is complete and valid. */
  passed: boolean | null;
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

export function evaluateSheet(set: CriteriaLike, values: Readonly<Record<string, string>>): SheetState {
  const rule = set.pass_rule;
  const indices = indicesOf(set);
  let total = 0;
  let maxTotal = 0;
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
    if (points < rule.min_per_index) below.push(ix.code);
  }
  const complete = missing.length === 0 && invalid.length === 0;
  const passed = complete ? total >= rule.min_total && below.length === 0 : null;
  return { total, maxTotal, missing, invalid, below, shortBy: Math.max(0, rule.min_total - total), complete, passed };
}

/** The boxes' texts from a saved sheet (empty boxes where nothing was saved). */
export function valuesOf(set: CriteriaLike, scores: Readonly<Record<string, number>> | null | undefined): Record<string, string> {
  return Object.fromEntries(indicesOf(set).map((ix) => [ix.code, scores?.[ix.code] !== undefined ? String(scores[ix.code]) : '']));
}

/** The sheet to send: every index's points (only call when `complete`). */
export function scoresOf(set: CriteriaLike, values: Readonly<Record<string, string>>): Record<string, number> {
  return Object.fromEntries(indicesOf(set).map((ix) => [ix.code, parsePoints(values[ix.code], ix.max_points) ?? 0]));
}
