/**
 * The parts of a registry record form (RecordForm): one field of any kind, the select fields that
 * load their choices (category, association, fund), and the summary of a failed save.
 */
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/problem';
import { useAssociationChoices, useAwardCategories, useFundChoices } from '../../api/registries';
import { useErrorLines } from '../../components/Status';
import { tx } from '../../i18n/loose';
import { formatInteger, formatVnd, formatVndShort, parseInteger } from '../../lib/format';
import { ENUMS, type FieldDef } from './types';
import { fieldErrorsOf, type FieldErrors } from './RecordForm';

export function Failure({ error, errors, fields }: { error: unknown; errors: FieldErrors; fields: readonly FieldDef[] }) {
  const { t } = useTranslation();
  const lines = useErrorLines(error);
  const named = Object.entries(errors);
  const other = fieldErrorsOf(error, fields.map((f) => f.name), (n) => t('registries.form.line', { n })).other;
  const conflict = error instanceof ApiError && error.status === 409;
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">{conflict ? t('registries.form.refused') : t('registries.form.saveFailed')}</p>
      {named.length > 0 ? (
        <ul>
          {named.map(([name, msgs]) =>
            msgs.map((msg) => (
              <li key={`${name}-${msg}`}>
                {tx(t, `registries.f.${name}`)}: {msg}
              </li>
            )),
          )}
          {other.map((msg) => (
            <li key={msg}>{msg}</li>
          ))}
        </ul>
      ) : (
        <>
          <p>{lines[0]}</p>
          {lines.length > 1 && (
            <ul>
              {lines.slice(1).map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

export function Field({
  id,
  field,
  value,
  errors,
  unit,
  onChange,
}: {
  id: string;
  field: FieldDef;
  value: string;
  errors: string[] | undefined;
  unit: string | undefined;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  const label = tx(t, `registries.f.${field.name}`);
  const n = field.kind === 'money' ? parseInteger(value) : null;
  const reading = typeof n === 'number' && !Number.isNaN(n) && n >= 1000 ? formatVndShort(n) : null;
  const describedBy =
    [field.hint ? `${id}-hint` : '', reading ? `${id}-reading` : '', errors?.length ? `${id}-error` : ''].filter(Boolean).join(' ') ||
    undefined;
  const common = {
    id,
    name: field.name,
    'aria-invalid': errors?.length ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': field.required || undefined,
  } as const;

  let input;
  switch (field.kind) {
    case 'textarea':
    case 'lines':
      input = <textarea {...common} rows={field.kind === 'lines' ? 3 : 4} value={value} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'date':
      input = <input {...common} type="date" value={value} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'select':
      input = (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          {!field.required && <option value="">{t('registries.none')}</option>}
          {field.required && value === '' && <option value="">{t('registries.choose')}</option>}
          {(field.enum ? ENUMS[field.enum] : []).map((v) => (
            <option key={v} value={v}>
              {tx(t, `registries.enum.${field.enum}.${v}`)}
            </option>
          ))}
        </select>
      );
      break;
    case 'category':
      input = <CategorySelect common={common} value={value} onChange={onChange} required={!!field.required} />;
      break;
    case 'association':
      input = <AssociationSelect common={common} value={value} onChange={onChange} unit={unit} kind={field.assocKind} />;
      break;
    case 'fund':
      input = <FundSelect common={common} value={value} onChange={onChange} unit={unit} />;
      break;
    default:
      input = (
        <input
          {...common}
          type="text"
          inputMode={field.kind === 'text' ? undefined : 'numeric'}
          className={field.kind === 'money' || field.kind === 'int' ? 'num-input' : undefined}
          maxLength={field.maxLength ?? (field.kind === 'year' ? 4 : 300)}
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => {
            if (field.kind !== 'money' && field.kind !== 'int') return;
            const v = parseInteger(value);
            if (typeof v === 'number' && !Number.isNaN(v)) onChange(formatInteger(v));
          }}
        />
      );
  }

  return (
    <div className={`field${field.wide || field.kind === 'textarea' ? ' field-wide' : ''}${errors?.length ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {field.required && <span className="required" aria-hidden="true"> *</span>}
      </label>
      {input}
      {field.hint && (
        <span id={`${id}-hint`} className="hint">
          {tx(t, `registries.hint.${field.name}`)}
        </span>
      )}
      {reading && (
        <span id={`${id}-reading`} className="hint">
          {reading}
        </span>
      )}
      {errors?.length ? (
        <p id={`${id}-error`} className="field-error">
          {errors.join(' · ')}
        </p>
      ) : null}
    </div>
  );
}

export interface Common {
  id: string;
  name: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
  'aria-required': true | undefined;
}

function CategorySelect({ common, value, onChange, required }: { common: Common; value: string; onChange: (v: string) => void; required: boolean }) {
  const { t } = useTranslation();
  const categories = useAwardCategories();
  return (
    <select {...common} value={value} onChange={(e) => onChange(e.target.value)} aria-busy={categories.isPending}>
      <option value="">{required ? t('registries.choose') : t('registries.none')}</option>
      {(categories.data ?? []).map((c) => (
        <option key={c.code} value={c.code}>
          {c.name}
        </option>
      ))}
    </select>
  );
}

function AssociationSelect({
  common,
  value,
  onChange,
  unit,
  kind,
}: {
  common: Common;
  value: string;
  onChange: (v: string) => void;
  unit: string | undefined;
  kind: string | undefined;
}) {
  const { t } = useTranslation();
  const choices = useAssociationChoices(unit, unit !== undefined);
  const items = (choices.data?.items ?? []).filter((a) => !kind || a.kind === kind);
  const known = value === '' || items.some((a) => String(a.id) === value);
  return (
    <select {...common} value={value} onChange={(e) => onChange(e.target.value)} aria-busy={choices.isFetching}>
      <option value="">{t('registries.none')}</option>
      {!known && <option value={value}>#{value}</option>}
      {items.map((a) => (
        <option key={a.id} value={String(a.id)}>
          {a.name}
        </option>
      ))}
    </select>
  );
}

function FundSelect({ common, value, onChange, unit }: { common: Common; value: string; onChange: (v: string) => void; unit: string | undefined }) {
  const { t } = useTranslation();
  const choices = useFundChoices(unit, unit !== undefined);
  return (
    <select {...common} value={value} onChange={(e) => onChange(e.target.value)} aria-busy={choices.isFetching}>
      <option value="">{t('registries.noFund')}</option>
      {(choices.data?.items ?? [])
        .filter((f) => !f.closed_on)
        .map((f) => (
          <option key={f.id} value={String(f.id)}>
            {f.name} · {t('registries.funds.balanceShort', { value: formatVnd(f.balance_vnd) })}
          </option>
        ))}
    </select>
  );
}
