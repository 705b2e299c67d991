/**
 * The 30 figures of an annual report (ReportIn in openapi.yaml), grouped as the entry form shows
 * them. Their Vietnamese labels live in i18n `reportFields` (kept equal to the openapi
 * descriptions by reportFields.test.ts); the compiler checks that every field appears once.
 */
import type { components } from '../api/schema';

export type ReportIn = components['schemas']['ReportIn'];
export type ReportField = keyof ReportIn;

export interface FieldGroup {
  id: string;
  fields: readonly ReportField[];
  /** The rate the group's figures give: numerator over denominator (shown while typing). */
  rate?: { numerator: ReportField; denominator: ReportField };
}

export const FIELD_GROUPS = [
  {
    id: 'association',
    fields: ['population', 'households', 'members', 'branches', 'boards'],
    rate: { numerator: 'members', denominator: 'population' },
  },
  {
    id: 'citizens',
    fields: ['citizens_assessed', 'citizens_registered', 'learning_citizens'],
    rate: { numerator: 'learning_citizens', denominator: 'citizens_assessed' },
  },
  {
    id: 'families',
    fields: ['families_assessed', 'families_registered', 'learning_families'],
    rate: { numerator: 'learning_families', denominator: 'families_assessed' },
  },
  {
    id: 'clans',
    fields: ['clans', 'clans_registered', 'learning_clans'],
    rate: { numerator: 'learning_clans', denominator: 'clans' },
  },
  {
    id: 'communities',
    fields: ['communities', 'communities_registered', 'learning_communities'],
    rate: { numerator: 'learning_communities', denominator: 'communities' },
  },
  {
    id: 'units',
    fields: ['units_assessed', 'units_registered', 'learning_units'],
    rate: { numerator: 'learning_units', denominator: 'units_assessed' },
  },
  {
    id: 'communes',
    fields: ['communes', 'communes_rated_learning_community'],
    rate: { numerator: 'communes_rated_learning_community', denominator: 'communes' },
  },
  { id: 'funds', fields: ['fund_raised_vnd', 'fund_balance_vnd', 'awards_count', 'awards_vnd'] },
  { id: 'honours', fields: ['emulation_flags', 'medals', 'certificates_of_merit', 'inspections'] },
] as const satisfies readonly FieldGroup[];

export type FieldGroupId = (typeof FIELD_GROUPS)[number]['id'];

type Grouped = (typeof FIELD_GROUPS)[number]['fields'][number];
// Compile-time check: every ReportIn field is in a group (and no group names an unknown one).
type Missing = Exclude<ReportField, Grouped>;
const everyFieldGrouped: [Missing] extends [never] ? true : Missing = true;
void everyFieldGrouped;

export const REPORT_FIELDS: readonly ReportField[] = FIELD_GROUPS.flatMap((g) => g.fields);

export function isReportField(v: unknown): v is ReportField {
  return typeof v === 'string' && (REPORT_FIELDS as readonly string[]).includes(v);
}

export function isMoneyField(f: ReportField): boolean {
  return f.endsWith('_vnd');
}
