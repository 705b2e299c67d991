/** The seven registries: their fields, filters and columns. */
import type { TFunction } from 'i18next';
import { useAwardCategories, type Activity, type Association, type Award, type Commendation, type Fund, type Inspection, type Partnership } from '../../api/registries';
import { UnitName } from '../../components/UnitName';
import { tx } from '../../i18n/loose';
import { formatDate, formatInteger, formatVnd, MISSING } from '../../lib/format';
import type { EnumName, RegistryConfig } from './types';

function en(t: TFunction, name: EnumName, v: string | null | undefined): string {
  return v ? tx(t, `registries.enum.${name}.${v}`, { defaultValue: v }) : MISSING;
}

const unitColumn = {
  id: 'unit',
  header: 'registries.f.unit_code',
  cell: (r: { unit_code: string }) => <UnitName code={r.unit_code} stacked />,
  narrow: true,
};

export const associations: RegistryConfig<Association> = {
  kind: 'associations',
  slug: 'to-chuc-hoi',
  csvName: 'to-chuc-hoi',
  title: (r) => r.name,
  fields: [
    { name: 'kind', kind: 'select', enum: 'assocKind', required: true, initial: 'branch' },
    { name: 'name', kind: 'text', required: true, wide: true },
    { name: 'host_kind', kind: 'select', enum: 'hostKind' },
    { name: 'parent_id', kind: 'association', assocKind: 'association', hint: true },
    { name: 'founded_on', kind: 'date' },
    { name: 'closed_on', kind: 'date' },
  ],
  filters: [
    { name: 'kind', kind: 'select', enum: 'assocKind' },
    { name: 'host_kind', kind: 'select', enum: 'hostKind' },
  ],
  columns: [
    { id: 'name', header: 'registries.f.name', cell: (r, t) => <Title text={r.name} closed={r.closed_on} t={t} />, className: 'title-col' },
    { id: 'kind', header: 'registries.f.kind', cell: (r, t) => en(t, 'assocKind', r.kind), className: 'nowrap' },
    { id: 'host', header: 'registries.f.host_kind', cell: (r, t) => en(t, 'hostKind', r.host_kind), narrow: true },
    unitColumn,
    { id: 'founded', header: 'registries.f.founded_on', cell: (r) => formatDate(r.founded_on), narrow: true, className: 'nowrap' },
  ],
};

export const funds: RegistryConfig<Fund> = {
  kind: 'funds',
  slug: 'quy',
  csvName: 'quy',
  title: (r) => r.name,
  fields: [
    { name: 'name', kind: 'text', required: true, wide: true },
    { name: 'owner_kind', kind: 'select', enum: 'ownerKind', required: true, initial: 'association' },
    { name: 'association_id', kind: 'association', hint: true },
    { name: 'closed_on', kind: 'date' },
  ],
  filters: [{ name: 'owner_kind', kind: 'select', enum: 'ownerKind' }],
  columns: [
    { id: 'name', header: 'registries.f.name', cell: (r, t) => <Title text={r.name} closed={r.closed_on} t={t} />, className: 'title-col' },
    { id: 'owner', header: 'registries.f.owner_kind', cell: (r, t) => en(t, 'ownerKind', r.owner_kind), narrow: true },
    unitColumn,
    { id: 'balance', header: 'registries.f.balance_vnd', cell: (r) => formatVnd(r.balance_vnd), className: 'num nowrap' },
  ],
};

export const awards: RegistryConfig<Award> = {
  kind: 'awards',
  slug: 'khen-thuong',
  csvName: 'khen-thuong',
  title: (r) => r.recipient_name,
  yearField: 'year',
  fields: [
    { name: 'recipient_name', kind: 'text', required: true, maxLength: 200 },
    { name: 'recipient_kind', kind: 'select', enum: 'recipientKind', required: true, initial: 'pupil' },
    { name: 'school', kind: 'text' },
    { name: 'category', kind: 'category', required: true },
    { name: 'year', kind: 'year', required: true },
    { name: 'awarded_on', kind: 'date' },
    { name: 'amount_vnd', kind: 'money' },
    { name: 'gift_value_vnd', kind: 'money' },
    { name: 'fund_id', kind: 'fund', createOnly: true, hint: true },
  ],
  filters: [
    { name: 'year', kind: 'year' },
    { name: 'category', kind: 'category' },
    { name: 'recipient_kind', kind: 'select', enum: 'recipientKind' },
  ],
  columns: [
    {
      id: 'name',
      header: 'registries.f.recipient_name',
      className: 'title-col',
      cell: (r) => (
        <>
          <strong className="row-title">{r.recipient_name}</strong>
          {r.school && <span className="sub muted small">{r.school}</span>}
        </>
      ),
    },
    { id: 'kind', header: 'registries.f.recipient_kind', cell: (r, t) => en(t, 'recipientKind', r.recipient_kind), narrow: true },
    { id: 'category', header: 'registries.f.category', cell: (r) => <CategoryName code={r.category} />, narrow: true },
    { id: 'year', header: 'registries.f.year', cell: (r) => r.year },
    {
      id: 'amount',
      header: 'registries.col.value',
      className: 'num nowrap',
      cell: (r, t) => (
        <>
          {formatVnd(r.amount_vnd)}
          {r.gift_value_vnd > 0 && <span className="sub muted small">{t('registries.plusGift', { value: formatVnd(r.gift_value_vnd) })}</span>}
        </>
      ),
    },
    unitColumn,
  ],
};

export const commendations: RegistryConfig<Commendation> = {
  kind: 'commendations',
  slug: 'thi-dua',
  csvName: 'thi-dua-khen-thuong',
  title: (r) => r.recipient_name,
  yearField: 'year',
  fields: [
    { name: 'form', kind: 'select', enum: 'commendationForm', required: true, initial: 'certificate_of_merit' },
    { name: 'year', kind: 'year', required: true },
    { name: 'recipient_kind', kind: 'select', enum: 'commRecipientKind', required: true, initial: 'person' },
    { name: 'recipient_name', kind: 'text', required: true, wide: true },
    { name: 'issuing_level', kind: 'select', enum: 'issuingLevel', required: true, initial: 'province' },
    { name: 'issuing_body', kind: 'text' },
    { name: 'decision_number', kind: 'text', maxLength: 100 },
    { name: 'decision_date', kind: 'date' },
  ],
  filters: [
    { name: 'year', kind: 'year' },
    { name: 'form', kind: 'select', enum: 'commendationForm' },
  ],
  columns: [
    { id: 'recipient', header: 'registries.f.recipient_name', className: 'title-col', cell: (r) => <strong className="row-title">{r.recipient_name}</strong> },
    { id: 'form', header: 'registries.f.form', cell: (r, t) => en(t, 'commendationForm', r.form) },
    { id: 'year', header: 'registries.f.year', cell: (r) => r.year },
    {
      id: 'issuer',
      header: 'registries.col.issuer',
      cell: (r, t) => r.issuing_body || en(t, 'issuingLevel', r.issuing_level),
      narrow: true,
    },
    {
      id: 'decision',
      header: 'registries.col.decision',
      cell: (r) => [r.decision_number, r.decision_date ? formatDate(r.decision_date) : ''].filter(Boolean).join(' · ') || MISSING,
      narrow: true,
    },
    unitColumn,
  ],
};

export const inspections: RegistryConfig<Inspection> = {
  kind: 'inspections',
  slug: 'kiem-tra',
  csvName: 'kiem-tra',
  title: (r) => r.subject_name,
  yearField: 'year',
  fields: [
    { name: 'year', kind: 'year', required: true },
    { name: 'subject_kind', kind: 'select', enum: 'subjectKind', required: true, initial: 'association' },
    { name: 'subject_name', kind: 'text', required: true, wide: true },
    { name: 'plan_number', kind: 'text', maxLength: 100, hint: true },
    { name: 'plan_date', kind: 'date' },
    { name: 'inspecting_body', kind: 'text' },
    { name: 'inspected_on', kind: 'date' },
    { name: 'result', kind: 'text', maxLength: 100, hint: true },
    { name: 'findings', kind: 'textarea', maxLength: 10000 },
  ],
  filters: [
    { name: 'year', kind: 'year' },
    { name: 'subject_kind', kind: 'select', enum: 'subjectKind' },
  ],
  columns: [
    { id: 'subject', header: 'registries.f.subject_name', className: 'title-col', cell: (r) => <strong className="row-title">{r.subject_name}</strong> },
    { id: 'kind', header: 'registries.f.subject_kind', cell: (r, t) => en(t, 'subjectKind', r.subject_kind), narrow: true },
    { id: 'year', header: 'registries.f.year', cell: (r) => r.year },
    { id: 'on', header: 'registries.f.inspected_on', cell: (r) => formatDate(r.inspected_on), className: 'nowrap', narrow: true },
    { id: 'plan', header: 'registries.f.plan_number', cell: (r) => r.plan_number || MISSING, narrow: true },
    { id: 'result', header: 'registries.f.result', cell: (r) => r.result || MISSING },
    unitColumn,
  ],
};

export const partnerships: RegistryConfig<Partnership> = {
  kind: 'partnerships',
  slug: 'phoi-hop',
  csvName: 'phoi-hop',
  title: (r) => r.title,
  yearField: 'year',
  fields: [
    { name: 'title', kind: 'text', required: true, wide: true },
    { name: 'year', kind: 'year', required: true },
    { name: 'status', kind: 'select', enum: 'partnershipStatus', required: true, initial: 'active' },
    { name: 'signed_on', kind: 'date' },
    { name: 'parties', kind: 'lines', hint: true },
    { name: 'documents', kind: 'lines', hint: true },
    { name: 'scope', kind: 'textarea', maxLength: 10000 },
  ],
  filters: [
    { name: 'year', kind: 'year' },
    { name: 'status', kind: 'select', enum: 'partnershipStatus' },
  ],
  columns: [
    { id: 'title', header: 'registries.f.title', className: 'title-col', cell: (r) => <strong className="row-title">{r.title}</strong> },
    { id: 'parties', header: 'registries.f.parties', cell: (r) => (r.parties?.length ? r.parties.join('; ') : MISSING), narrow: true },
    { id: 'year', header: 'registries.f.year', cell: (r) => r.year },
    { id: 'status', header: 'registries.f.status', cell: (r, t) => en(t, 'partnershipStatus', r.status) },
    { id: 'signed', header: 'registries.f.signed_on', cell: (r) => formatDate(r.signed_on), className: 'nowrap', narrow: true },
    unitColumn,
  ],
};

export const activities: RegistryConfig<Activity> = {
  kind: 'activities',
  slug: 'hoat-dong',
  csvName: 'hoat-dong',
  title: (r) => r.title,
  yearField: 'year',
  fields: [
    { name: 'kind', kind: 'select', enum: 'activityKind', required: true, initial: 'communication' },
    { name: 'title', kind: 'text', required: true, wide: true },
    { name: 'year', kind: 'year', required: true },
    { name: 'held_on', kind: 'date' },
    { name: 'participants', kind: 'int' },
    { name: 'articles', kind: 'int' },
    { name: 'links', kind: 'lines', hint: true },
    { name: 'notes', kind: 'textarea', maxLength: 10000 },
  ],
  filters: [
    { name: 'year', kind: 'year' },
    { name: 'kind', kind: 'select', enum: 'activityKind' },
  ],
  columns: [
    { id: 'title', header: 'registries.f.title', className: 'title-col', cell: (r) => <strong className="row-title">{r.title}</strong> },
    { id: 'kind', header: 'registries.f.kind', cell: (r, t) => en(t, 'activityKind', r.kind) },
    { id: 'year', header: 'registries.f.year', cell: (r) => r.year },
    { id: 'held', header: 'registries.f.held_on', cell: (r) => formatDate(r.held_on), className: 'nowrap', narrow: true },
    { id: 'participants', header: 'registries.f.participants', cell: (r) => formatInteger(r.participants), className: 'num', narrow: true },
    { id: 'articles', header: 'registries.f.articles', cell: (r) => formatInteger(r.articles), className: 'num', narrow: true },
    unitColumn,
  ],
};


/** A record's name in a list, with "closed on …" when it is. */
function Title({ text, closed, t }: { text: string; closed: string | null | undefined; t: TFunction }) {
  return (
    <>
      <strong className="row-title">{text}</strong>
      {closed && <span className="badge badge-status-draft closed-tag">{t('registries.closedOn', { date: formatDate(closed) })}</span>}
    </>
  );
}

/** A category's Vietnamese name from its code. */
export function CategoryName({ code }: { code: string }) {
  const categories = useAwardCategories();
  return <>{categories.data?.find((c) => c.code === code)?.name ?? code}</>;
}
