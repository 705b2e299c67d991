/** The text of an API error in the user's language: the problem's codes first, its Vietnamese prose as fallback. */
import i18n from '../i18n';
import { problemTexts } from '../i18n/problems';
import type { ErrorItem, Problem } from './problem';

const PREFIX = 'urn:khuyenhoc:problem:';

function texts() {
  const lng = i18n.language || 'vi';
  return { lng, table: problemTexts[lng] ?? problemTexts.vi };
}

/** The problem's main line: its `detail` in Vietnamese, the words for its `type` in other languages. */
export function problemHeadline(p: Problem): string {
  const { lng, table } = texts();
  const slug = p.type.startsWith(PREFIX) ? p.type.slice(PREFIX.length) : '';
  const known = (table?.types as Record<string, string> | undefined)?.[slug];
  if (lng === 'vi') return p.detail || known || p.title;
  return known ?? (p.detail || p.title);
}

/** One invalid field's message, by its `errors[].type` outside Vietnamese. */
export function problemItemText(item: ErrorItem): string {
  const { lng, table } = texts();
  if (lng === 'vi') return item.msg;
  return (table?.items as Record<string, string> | undefined)?.[item.type] ?? item.msg;
}
