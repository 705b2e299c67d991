/**
 * Create or change a registry record: the registry's fields as labelled inputs, the API's 422
 * `errors` shown at the fields they name, a clear message on 409 (e.g. a fund too short) and on
 * 412 (changed meanwhile, with a button to load the latest version). A change sends only the
 * fields that changed, with If-Match.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, problemFieldErrors } from '../../api/problem';
import { createRecord, fetchRecord, updateRecord, useAfterChange, type BaseRow, type Loaded } from '../../api/registries';
import { isUnitCode, unitAsOf, useUnitLookup } from '../../components/UnitName';
import { tx } from '../../i18n/loose';
import { formatInteger, parseInteger } from '../../lib/format';
import { currentYear } from '../place/usePlace';
import { type FieldDef, type RegistryConfig } from './types';
import { useFormState } from '../../lib/useFormState';
import { UnitCombobox } from '../../components/UnitCombobox';
import { Failure, Field } from './RecordFields';

type Values = Record<string, string>;
export type FieldErrors = Record<string, string[]>;

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
  const [conflict, setConflict] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const lookup = useUnitLookup(editing ? null : unit.trim());
  const untouched = JSON.stringify(initialValues(fields, record));
  const form = useFormState(unit !== defaultUnit || JSON.stringify(values) !== untouched);
  const { failure, busy } = form;
  const errors = form.errors as FieldErrors;

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const names = fields.map((f) => f.name);
  const unitForChoices = editing ? editing.record.unit_code : isUnitCode(unit.trim()) ? unit.trim() : undefined;

  async function reload() {
    if (!loaded) return;
    const fresh = await fetchRecord<T>(config.kind, loaded.record.id);
    setLoaded(fresh);
    setValues(initialValues(fields, fresh.record as unknown as Record<string, unknown>));
    setConflict(false);
    form.reset();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    form.reset();
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
      form.fail(new Error(t('registries.form.localErrors')), local);
      return;
    }
    if (loaded && Object.keys(body).length === 0) {
      onSaved(loaded.record, false);
      return;
    }
    await form.run(async () => {
      const saved = loaded
        ? await updateRecord<T>(config.kind, loaded.record.id, body, loaded.etag)
        : await createRecord<T>(config.kind, body);
      await afterChange(config.kind, ...(config.kind === 'awards' ? (['funds'] as const) : []));
      onSaved(saved, !loaded);
    }, (err) => {
      if (err instanceof ApiError && err.status === 412) {
        setConflict(true); // the summary says so and offers to reload, instead of a failure
        return {};
      }
      return fieldErrorsOf(err, names, (n) => t('registries.form.line', { n })).fields;
    });
  }

  const title = loaded
    ? t('registries.form.editTitle', { name: config.title(loaded.record) })
    : tx(t, `registries.form.newTitle.${config.kind}`);

  return (
    <form className="record-form" aria-labelledby={`${formId}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={`${formId}-title`} ref={heading} tabIndex={-1} className="record-form-title">
        {title}
      </h3>
      <div ref={form.summaryRef} tabIndex={-1} className="summary-anchor">
        {conflict && (
          <div className="alert alert-warning" role="alert">
            <p className="alert-title">{t('registries.form.conflictTitle')}</p>
            <p>{t('registries.form.conflictBody')}</p>
            <button type="button" className="button button-primary" onClick={() => void reload()}>
              {t('reports.form.reload')}
            </button>
          </div>
        )}
        {failure !== null && !conflict && <Failure error={failure} errors={errors} fields={fields} />}
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

