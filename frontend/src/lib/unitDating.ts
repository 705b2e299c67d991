/**
 * Dates done right for units that ended (the 2025 reform): the last year a unit can report
 * for, and the sentence a commune officer reads when a code is used on a date it did not name
 * a unit. The sentence is built from the problem's data fields (`code`, `as_of`, `meant`,
 * `successors`), never from its prose, so it follows the user's language.
 */
import i18n from 'i18next';
import type { Problem } from '../api/problem';
import { formatDate } from './format';

interface NamedUnit {
  code: string;
  name: string;
}

interface MeantUnit extends NamedUnit {
  valid_from: string | null;
  valid_to: string | null;
}

export interface DatingFacts {
  code: string;
  asOf: string;
  meant: MeantUnit | null;
  successors: NamedUnit[];
}

function isNamed(v: unknown): v is NamedUnit {
  return typeof v === 'object' && v !== null && typeof (v as NamedUnit).code === 'string' && typeof (v as NamedUnit).name === 'string';
}

/** The dating fields of a problem about a code on the wrong date, or null for any other problem. */
export function datingFacts(p: Problem | null | undefined): DatingFacts | null {
  const raw = p as Record<string, unknown> | null | undefined;
  if (!raw || typeof raw.code !== 'string' || typeof raw.as_of !== 'string') return null;
  const meant = isNamed(raw.meant) ? (raw.meant as MeantUnit) : null;
  const successors = Array.isArray(raw.successors) ? raw.successors.filter(isNamed) : [];
  return { code: raw.code, asOf: raw.as_of, meant, successors };
}

/** One plain sentence (or two) saying what the code meant, until when, and who took over. */
export function datingMessage(f: DatingFacts): string {
  const t = i18n.t.bind(i18n);
  const when = formatDate(f.asOf);
  if (!f.meant) return t('dating.unknownCode', { code: f.code });
  const lines: string[] = [];
  if (f.meant.valid_to !== null && f.meant.valid_to < f.asOf) {
    lines.push(t('dating.ended', { name: f.meant.name, code: f.code, end: formatDate(f.meant.valid_to), when }));
    if (f.successors.length > 0) lines.push(t('dating.successor', { names: f.successors.map((s) => s.name).join(', ') }));
  } else if (f.meant.valid_from !== null) {
    lines.push(t('dating.notYet', { name: f.meant.name, code: f.code, start: formatDate(f.meant.valid_from), when }));
  } else {
    lines.push(t('dating.notOnDate', { code: f.code, when }));
  }
  return lines.join(' ');
}

/** The message for a problem about a code on the wrong date (null: not such a problem). */
export function datingProblemMessage(p: Problem | null | undefined): string | null {
  const f = datingFacts(p);
  return f ? datingMessage(f) : null;
}

/**
 * The last year a unit can report for: reports are read on 31 December, so a unit that ended
 * before the end of a year last reported for the year before (ended 30/06/2025: 2024).
 */
export function lastReportYear(validTo: string | null | undefined): number | null {
  if (!validTo) return null;
  const year = Number(validTo.slice(0, 4));
  return validTo.slice(5) === '12-31' ? year : year - 1;
}
