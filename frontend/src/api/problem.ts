/** RFC 9457 problem details from the API, turned into errors the pages can show. */
import { problemHeadline, problemItemText } from './problemText';
import { datingProblemMessage } from '../lib/unitDating';
import type { components } from './schema';

export type Problem = components['schemas']['Problem'];
export type ErrorItem = components['schemas']['ErrorItem'];

export function isProblem(v: unknown): v is Problem {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Problem).title === 'string' &&
    typeof (v as Problem).status === 'number'
  );
}

/** An API call that answered an error status; `problem` is the body when it was problem+json. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** The headline plus one line per invalid field, in the user's language (problemText.ts). */
  get lines(): string[] {
    const p = this.problem;
    if (!p) return [];
    const out = [problemHeadline(p)];
    for (const e of p.errors ?? []) {
      const where = e.loc.filter((x) => x !== 'body' && x !== 'query' && x !== 'path').join('.');
      const msg = problemItemText(e);
      out.push(where ? `${where}: ${msg}` : msg);
    }
    return out;
  }
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of an openapi-fetch result, or an ApiError carrying the problem details. */
export function unwrap<T>(result: FetchResult<T>): T {
  if (result.error !== undefined || !result.response.ok) {
    const body = result.error;
    throw new ApiError(result.response.status, isProblem(body) ? body : null);
  }
  return result.data as T;
}

export interface FieldErrorMap {
  /** Messages by the form's field name. */
  fields: Record<string, string[]>;
  /** Messages that name no field of the form (shown in the form's summary). */
  other: string[];
}

/**
 * The one mapping from a problem's `errors` to a form's fields, shared by every form: an item
 * whose `loc` is [section, name, index?] with a section of the form's body goes to that field;
 * a unit code read on a date (`unit_as_of`) is the unit code's field; an item of a list field
 * says its line (`line`); everything else, and every error that is not an ApiError, stays apart.
 */
export function problemFieldErrors(
  e: unknown,
  {
    names,
    sections = ['body'],
    line,
  }: { names?: readonly string[]; sections?: readonly string[]; line?: (n: number) => string } = {},
): FieldErrorMap {
  const fields: Record<string, string[]> = {};
  const other: string[] = [];
  if (!(e instanceof ApiError)) return { fields, other };
  const dated = datingProblemMessage(e.problem);
  for (const item of e.problem?.errors ?? []) {
    const [where, name, index] = item.loc;
    const msg = item.type === 'unknown_unit' && dated ? dated : problemItemText(item);
    const key = name === 'unit_as_of' ? 'unit_code' : name;
    if (typeof where === 'string' && sections.includes(where) && typeof key === 'string' && (!names || names.includes(key))) {
      (fields[key] ??= []).push(line && typeof index === 'number' ? `${line(index + 1)}: ${msg}` : msg);
    } else {
      other.push(msg);
    }
  }
  return { fields, other };
}
