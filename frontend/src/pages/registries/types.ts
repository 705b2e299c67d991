import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import type { BaseRow, RegistryKind } from '../../api/registries';
import type { components } from '../../api/schema';

/** Enumerations whose values are shown through `registries.enum.<name>.<value>`. */
export const ENUMS = {
  assocKind: ['association', 'branch', 'board'],
  hostKind: ['village', 'school', 'agency', 'enterprise', 'clan', 'religious', 'armed_forces', 'other'],
  ownerKind: ['association', 'unit', 'clan', 'school', 'enterprise'],
  recipientKind: ['pupil', 'student', 'teacher', 'other'],
  commendationForm: ['emulation_flag', 'medal', 'certificate_of_merit', 'giay_khen', 'state_certificate_of_merit', 'labour_order', 'other'],
  issuingLevel: ['central', 'province', 'district', 'commune', 'state'],
  commRecipientKind: ['unit', 'association', 'person'],
  subjectKind: ['unit', 'association', 'family', 'clan', 'citizen', 'community'],
  partnershipStatus: ['planned', 'active', 'ended'],
  activityKind: ['communication', 'publication', 'research', 'training', 'other'],
} as const;
export type EnumName = keyof typeof ENUMS;

// The enumerations above are the API's (from the generated schema): the compiler fails when they drift.
type S = components['schemas'];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type Values<K extends EnumName> = (typeof ENUMS)[K][number];
export type EnumsMatchTheApi = [
  Assert<Same<Values<'assocKind'>, S['AssociationIn']['kind']>>,
  Assert<Same<Values<'hostKind'>, NonNullable<S['AssociationIn']['host_kind']>>>,
  Assert<Same<Values<'ownerKind'>, S['FundIn']['owner_kind']>>,
  Assert<Same<Values<'recipientKind'>, S['AwardIn']['recipient_kind']>>,
  Assert<Same<Values<'commendationForm'>, S['CommendationIn']['form']>>,
  Assert<Same<Values<'issuingLevel'>, S['CommendationIn']['issuing_level']>>,
  Assert<Same<Values<'commRecipientKind'>, S['CommendationIn']['recipient_kind']>>,
  Assert<Same<Values<'subjectKind'>, S['InspectionIn']['subject_kind']>>,
  Assert<Same<Values<'partnershipStatus'>, NonNullable<S['PartnershipIn']['status']>>>,
  Assert<Same<Values<'activityKind'>, S['ActivityIn']['kind']>>,
];

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'date'
  | 'int'
  | 'year'
  | 'money'
  | 'select'
  | 'lines'
  | 'association'
  | 'fund'
  | 'category';

export interface FieldDef {
  /** The API's field name; its label is `registries.f.<name>`. */
  name: string;
  kind: FieldKind;
  required?: boolean;
  enum?: EnumName;
  /** Only when creating (the API does not change it afterwards). */
  createOnly?: boolean;
  /** Takes a whole row of the form. */
  wide?: boolean;
  /** A hint under the field: `registries.hint.<name>`. */
  hint?: boolean;
  maxLength?: number;
  /** The value a new record starts with. */
  initial?: string;
  /** Association choices: only this kind. */
  assocKind?: string;
}

export interface FilterDef {
  name: string;
  kind: 'year' | 'select' | 'category';
  enum?: EnumName;
}

export interface Column<T> {
  id: string;
  /** i18n key of the header. */
  header: string;
  cell: (row: T, t: TFunction) => ReactNode;
  className?: string;
  /** Hidden at phone width. */
  narrow?: boolean;
}

export interface RegistryConfig<T extends BaseRow> {
  kind: RegistryKind;
  /** The tab's path segment. */
  slug: string;
  fields: readonly FieldDef[];
  filters: readonly FilterDef[];
  columns: readonly Column<T>[];
  /** A short name of a row, for buttons' accessible names ("Sửa «…»"). */
  title: (row: T) => string;
  /** The year a new record is about (to read its unit code on the right map). */
  yearField?: string;
  /** File name of the CSV export, without extension. */
  csvName: string;
}
