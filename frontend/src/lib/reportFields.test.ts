import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../i18n/en';
import vi from '../i18n/vi';
import { FIELD_GROUPS, REPORT_FIELDS } from './reportFields';

/** field → description of the ReportIn schema in ../openapi.yaml (read as text: no YAML parser needed). */
function reportInDescriptions(): Record<string, string> {
  const lines = readFileSync(resolve(__dirname, '../../../openapi.yaml'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l === '    ReportIn:');
  expect(start).toBeGreaterThan(0);
  const out: Record<string, string> = {};
  let field: string | null = null;
  for (const line of lines.slice(start + 1)) {
    if (/^ {4}\S/.test(line)) break; // the next schema
    const name = /^ {8}(\w+):$/.exec(line);
    if (name) field = name[1]!;
    const desc = /^ {10}description: (.+)$/.exec(line);
    if (desc && field) out[field] = desc[1]!.replace(/^'(.*)'$/, '$1');
  }
  return out;
}

describe('report fields', () => {
  it('are the 30 ReportIn fields, each in one group', () => {
    expect(REPORT_FIELDS).toHaveLength(30);
    expect(new Set(REPORT_FIELDS).size).toBe(30);
    expect(FIELD_GROUPS.flatMap((g) => g.fields)).toEqual(REPORT_FIELDS);
    expect([...REPORT_FIELDS].sort()).toEqual(Object.keys(reportInDescriptions()).sort());
  });

  it("have Vietnamese labels equal to openapi.yaml's descriptions, and English ones", () => {
    const descriptions = reportInDescriptions();
    for (const f of REPORT_FIELDS) {
      expect(vi.reportFields[f], f).toBe(descriptions[f]);
      expect(en.reportFields[f], f).toBeTruthy();
    }
  });
});
