/**
 * Create or change a registry record: the registry's fields as labelled inputs, the API's 422
 * `errors` shown at the fields they name, a clear message on 409 (e.g. a fund too short) and on
 * 412 (changed meanwhile, with a button to load the latest version). A change sends only the
 * fields that changed, with If-Match.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, problemFieldErrors } from '../../api/problem';
import {
  createRecord,
  fetchRecord,
  updateRecord,
  useAfterChange,
  useAssociationChoices,
  useAwardCategories,
  useFundChoices,
  type BaseRow,
  type Loaded,
} from '../../api/registries';
import { useErrorLines } from '../../components/Status';
import { isUnitCode, unitAsOf, useUnitLookup } from '../../components/UnitName';
import { tx } from '../../i18n/loose';
import { formatInteger, formatVnd, formatVndShort, parseInteger } from '../../lib/format';
import { currentYear } from '../place/usePlace';
import { ENUMS, type FieldDef, type RegistryConfig } from './types';
import { useUnsavedGuard } from '../../lib/useUnsavedGuard';
import { UnitCombobox } from '../../components/UnitCombobox';

type Values = Record<string, string>;
type FieldErrors = Record<string, string[]>;

function toText(field: FieldDef, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (field.kind === 'lines' && Array.isArray(v)) return v.join('\n');
  if ((field.kind === 'money' || field.kind === 'int') && typeof v === 'number') return formatInteger(v);
  return String(v);
}

function initialValues(fields: readonly FieldDef[], record: Record<string, unknown> | null): Values {
  const out: Values = {};
  for (const f of fields) {
    if (record) out[f.name] = toText(f, record[f.name]);
    else out[f.name] = f.initial ?? (f.kind === 'year' ? String(currentYear()) : '');
  }
  return out;
}

/** A form value → what the API takes; `undefined` for an empty optional value, NaN-free. */
function toValue(field: FieldDef, text: string): { value: unknown } | { error: 'integer' | 'required' } {
  const s = text.trim();
  if (field.kind === 'lines') {
    return { value: s.split('\n').map((l) => l.trim()).filter(Boolean) };
  }
  if (s === '') {
    if (field.required) return { error: 'required' };
    return { value: field.kind === 'text' || field.kind === 'textarea' ? '' : null };
  }
  switch (field.kind) {
    case 'int':
    case 'money':
    case 'year':
    case 'association':
    case 'fund': {
      const n = parseInteger(s);
      if (n === null || Number.isNaN(n)) return { error: 'integer' };
      return { value: n };
    }
    default:
      return { value: s };
  }
}

/** The API's 422 errors by field name (loc ["body", name, …]); the rest apart. */
export function fieldErrorsOf(
  e: unknown,
  names: readonly string[],
  line: (n: number) => string = (n) => `${n}`,
): { fields: FieldErrors; other: string[] } {
  return problemFieldErrors(e, { names: [...names, 'unit_code'], line });
}

export function RecordForm<T extends BaseRow>({
  config,
  editing,
  defaultUnit,
  onSaved,
  onCancel,
}: {
  config: RegistryConfig<T>;
  /** The record to change (with its ETag), or null to create one. */
  editing: Loaded<T> | null;
  defaultUnit: string;
  onSaved: (row: T, created: boolean) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const afterChange = useAfterChange();
  const formId = useId();
  const fields = config.fields.filter((f) => !(editing && f.createOnly));
  const [loaded, setLoaded] = useState<Loaded<T> | null>(editing);
  const record = loaded ? (loaded.record as unknown as Record<string, unknown>) : null;
  const [values, setValues] = useState<Values>(() => initialValues(fields, record));
  const [unit, setUnit] = useState(defaultUnit);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  const lookup = useUnitLookup(editing ? null : unit.trim());
  const untouched = JSON.stringify(initialValues(fields, record));
  useUnsavedGuard(!busy && (unit !== defaultUnit || JSON.stringify(values) !== untouched));

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const names = fields.map((f) => f.name);
  const unitForChoices = editing ? editing.record.unit_code : isUnitCode(unit.trim()) ? unit.trim() : undefined;

  function focusSummary() {
    requestAnimationFrame(() => summary.current?.focus());
  }

  async function reload() {
    if (!loaded) return;
    const fresh = await fetchRecord<T>(config.kind, loaded.record.id);
    setLoaded(fresh);
    setValues(initialValues(fields, fresh.record as unknown as Record<string, unknown>));
    setConflict(false);
    setFailure(null);
    setErrors({});
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setErrors({});
    setFailure(null);
    setConflict(false);
    const body: Record<string, unknown> = {};
    const local: FieldErrors = {};
    const initial = initialValues(fields, record);
    for (const f of fields) {
      const text = values[f.name] ?? '';
      if (loaded && text === initial[f.name]) continue; // a change sends only what changed
      const v = toValue(f, text);
      if ('error' in v) {
        local[f.name] = [v.error === 'required' ? t('registries.form.required') : t('registries.form.notInteger')];
        continue;
      }
      if (!loaded && (v.value === null || v.value === '' || (Array.isArray(v.value) && v.value.length === 0))) continue;
      body[f.name] = v.value;
    }
    if (!loaded) {
      const code = unit.trim();
      if (!isUnitCode(code)) local.unit_code = [t('reports.open.invalidCode')];
      body.unit_code = code;
      const yearValue = config.yearField ? parseInteger(values[config.yearField] ?? '') : null;
      const asOf = unitAsOf(lookup.data, typeof yearValue === 'number' && !Number.isNaN(yearValue) ? yearValue : undefined);
      if (asOf) body.unit_as_of = asOf;
    }
    if (Object.keys(local).length) {
      setErrors(local);
      setFailure(new Error(t('registries.form.localErrors')));
      focusSummary();
      return;
    }
    if (loaded && Object.keys(body).length === 0) {
      onSaved(loaded.record, false);
      return;
    }
    setBusy(true);
    try {
      const saved = loaded
        ? await updateRecord<T>(config.kind, loaded.record.id, body, loaded.etag)
        : await createRecord<T>(config.kind, body);
      await afterChange(config.kind, ...(config.kind === 'awards' ? (['funds'] as const) : []));
      onSaved(saved, !loaded);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        setConflict(true);
      } else {
        setErrors(fieldErrorsOf(err, names, (n) => t('registries.form.line', { n })).fields);
        setFailure(err);
      }
      focusSummary();
    } finally {
      setBusy(false);
    }
  }

  const title = loaded
    ? t('registries.form.editTitle', { name: config.title(loaded.record) })
    : tx(t, `registries.form.newTitle.${config.kind}`);

  return (
    <form className="record-form" aria-labelledby={`${formId}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={`${formId}-title`} ref={heading} tabIndex={-1} className="record-form-title">
        {title}
      </h3>
      <div ref={summary} tabIndex={-1} className="summary-anchor">
        {conflict && (
          <div className="alert alert-warning" role="alert">
            <p className="alert-title">{t('registries.form.conflictTitle')}</p>
            <p>{t('registries.form.conflictBody')}</p>
            <button type="button" className="button button-primary" onClick={() => void reload()}>
              {t('reports.form.reload')}
            </button>
          </div>
        )}
        {failure !== null && <Failure error={failure} errors={errors} fields={fields} />}
      </div>
      <div className="field-grid record-grid">
        {!editing && (
          <UnitCombobox
            id={`${formId}-f-unit_code`}
            label={t('registries.f.unit_code')}
            value={unit.trim()}
            onChange={setUnit}
            hint={t('registries.hint.unit_code')}
            error={errors.unit_code?.join(' · ')}
          />
        )}
        {fields.map((f) => (
          <Field
            key={f.name}
            id={`${formId}-f-${f.name}`}
            field={f}
            value={values[f.name] ?? ''}
            errors={errors[f.name]}
            unit={unitForChoices}
            onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
          />
        ))}
      </div>
      <div className="form-actions form-actions-inline">
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          {busy ? t('reports.form.saving') : loaded ? t('registries.form.saveChanges') : t('registries.form.create')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('registries.form.cancel')}
        </button>
      </div>
    </form>
  );
}

function Failure({ error, errors, fields }: { error: unknown; errors: FieldErrors; fields: readonly FieldDef[] }) {
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

function Field({
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

interface Common {
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
