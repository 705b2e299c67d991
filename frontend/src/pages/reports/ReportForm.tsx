/**
 * The entry form of an annual report: the 30 figures in groups with their Vietnamese labels,
 * numbers shown grouped by thousands, the API's 422 `errors` shown at the fields they name
 * (loc ["body", field] when saving, ["report", field] when submitting) and in a summary, a
 * clear message with a reload button on 412, and the workflow buttons the user may use.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isConflict, useReportMutations, type LoadedReport, type Report, type WorkflowAction } from '../../api/reports';
import { problemFieldErrors } from '../../api/problem';
import { useErrorLines } from '../../components/Status';
import { formatFraction, formatInteger, formatVndShort, parseInteger } from '../../lib/format';
import { readDraft, removeDraft, writeDraft } from '../../lib/formDraft';
import { useUnsavedGuard } from '../../lib/useUnsavedGuard';
import { FIELD_GROUPS, isMoneyField, REPORT_FIELDS, type ReportField, type ReportIn } from '../../lib/reportFields';
import { useSubmitCheck } from './SubmitCheck';

type Values = Record<ReportField, string>;
export type FieldErrors = Partial<Record<ReportField, string[]>>;

function initialValues(r: Report | null): Values {
  const out = {} as Values;
  for (const f of REPORT_FIELDS) {
    const v = r?.[f];
    out[f] = typeof v === 'number' ? formatInteger(v) : '';
  }
  return out;
}

/** The problem's errors, split into those naming a field of the form and the rest. */
export function mapProblemErrors(e: unknown): { fields: FieldErrors; other: string[] } {
  // A report's figures are checked as the body, or as "report" when a workflow step re-checks them.
  const { fields, other } = problemFieldErrors(e, { names: REPORT_FIELDS, sections: ['body', 'report'] });
  return { fields: fields as FieldErrors, other };
}

interface Failure {
  title: string;
  error: unknown;
}

export interface Permissions {
  /** May change the figures (draft, or a report still to create). */
  edit: boolean;
  submit: boolean;
  approve: boolean;
  reopen: boolean;
}

export function ReportForm({
  unit,
  year,
  loaded,
  can,
  onDone,
  onReload,
  onDirtyChange,
}: {
  unit: string;
  year: number;
  loaded: LoadedReport;
  can: Permissions;
  /** Tell the page what was done, for its status message (null: an action starts). */
  onDone: (message: string | null) => void;
  onReload: () => Promise<unknown>;
  /** Told whether the form has changes not saved yet. */
  onDirtyChange?: (dirty: boolean) => void;
}) {
  const { t } = useTranslation();
  const { save, step } = useReportMutations(unit, year);
  const submitCheck = useSubmitCheck(unit, year);
  const report = loaded.report;
  const serverKey = `${loaded.etag ?? 'none'}|${report?.version ?? 0}`;
  const draftKey = `report.${unit}.${year}`;
  // Entries typed but not saved before a reload or a closed tab come back (the guard asks first).
  const [restored, setRestored] = useState(() => can.edit && readDraft<Values>(draftKey, serverKey) !== null);
  const [values, setValues] = useState<Values>(() =>
    can.edit ? (readDraft<Values>(draftKey, serverKey) ?? initialValues(report)) : initialValues(report),
  );
  const [base, setBase] = useState(serverKey);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState<null | 'save' | WorkflowAction>(null);
  const [reason, setReason] = useState('');
  const summary = useRef<HTMLDivElement>(null);

  // New figures from the server (saved, reloaded, approved…): show them.
  if (base !== serverKey) {
    setBase(serverKey);
    setValues(initialValues(report));
  }

  const initial = initialValues(report);
  const dirty = REPORT_FIELDS.some((f) => values[f] !== initial[f]);
  const readOnly = !can.edit;
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  useUnsavedGuard(can.edit && dirty);
  useEffect(() => {
    if (!can.edit) return;
    if (dirty) writeDraft(draftKey, serverKey, values);
    else removeDraft(draftKey);
  }, [can.edit, dirty, draftKey, serverKey, values]);

  function discardDraft() {
    setValues(initialValues(report));
    setRestored(false);
  }

  function clearMessages() {
    onDone(null);
    setFieldErrors({});
    setFailure(null);
    setConflict(false);
  }

  function focusSummary() {
    requestAnimationFrame(() => summary.current?.focus());
  }

  function fail(e: unknown, title: string) {
    if (isConflict(e)) {
      setConflict(true);
    } else {
      setFieldErrors(mapProblemErrors(e).fields);
      setFailure({ title, error: e });
    }
    focusSummary();
  }

  /** The body to send, or the fields that are not whole numbers. */
  function parse(): { body: ReportIn } | { errors: FieldErrors } {
    const body: ReportIn = {};
    const errors: FieldErrors = {};
    for (const f of REPORT_FIELDS) {
      const n = parseInteger(values[f]);
      if (Number.isNaN(n)) errors[f] = [t('reports.form.notInteger')];
      else body[f] = n;
    }
    return Object.keys(errors).length ? { errors } : { body };
  }

  async function doSave(title: string): Promise<LoadedReport | null> {
    const parsed = parse();
    if ('errors' in parsed) {
      setFieldErrors(parsed.errors);
      setFailure({ title, error: new Error(t('reports.form.localErrors')) });
      focusSummary();
      return null;
    }
    try {
      return await save.mutateAsync({ body: parsed.body, etag: loaded.etag });
    } catch (e) {
      fail(e, title);
      return null;
    }
  }

  async function onSave(e: FormEvent) {
    e.preventDefault();
    if (readOnly || busy) return;
    clearMessages();
    setBusy('save');
    const saved = await doSave(t('reports.form.saveFailed'));
    setBusy(null);
    if (saved) onDone(t('reports.form.saved'));
  }

  async function onStep(action: WorkflowAction) {
    if (busy) return;
    clearMessages();
    setBusy(action);
    let etag = loaded.etag;
    if (action === 'submit' && (dirty || !report)) {
      const saved = await doSave(t('reports.form.submitFailed'));
      if (!saved) {
        setBusy(null);
        return;
      }
      etag = saved.etag;
    }
    if (action === 'submit' && !(await submitCheck.ask())) {
      setBusy(null);
      return;
    }
    try {
      await step.mutateAsync({ action, etag, reason: action === 'submit' ? '' : reason });
      if (action !== 'submit') setReason('');
      onDone(t(`reports.form.${action === 'submit' ? 'submitted' : action === 'approve' ? 'approved' : 'reopened'}`));
    } catch (e) {
      fail(e, action === 'submit' ? t('reports.form.submitFailed') : t('reports.form.stepFailed'));
    } finally {
      setBusy(null);
    }
  }

  async function reload() {
    await onReload();
    clearMessages();
  }

  const errorCount = Object.values(fieldErrors).reduce((n, list) => n + (list?.length ?? 0), 0);

  return (
    <form className="report-form" aria-label={t('reports.form.label')} onSubmit={(e) => void onSave(e)} noValidate>
      <div ref={summary} tabIndex={-1} className="summary-anchor">
        {conflict && (
          <div className="alert alert-warning" role="alert">
            <p className="alert-title">{t('reports.form.conflictTitle')}</p>
            <p>{t('reports.form.conflictBody')}</p>
            <button type="button" className="button button-primary" onClick={() => void reload()}>
              {t('reports.form.reload')}
            </button>
          </div>
        )}
        {failure && <FailureBox failure={failure} fieldErrors={fieldErrors} errorCount={errorCount} />}
      </div>
      {restored && dirty && (
        <div className="alert alert-info" role="status">
          <p>{t('reports.form.draftRestored')}</p>
          <button type="button" className="button button-quiet" onClick={discardDraft}>
            {t('reports.form.draftDiscard')}
          </button>
        </div>
      )}

      {!readOnly && <p className="muted small">{t('reports.form.numberHint')}</p>}

      {FIELD_GROUPS.map((g) => (
        <fieldset key={g.id} className="field-group">
          <legend>{t(`reportGroups.${g.id}`)}</legend>
          <div className="field-grid">
            {g.fields.map((f) => (
              <NumberField
                key={f}
                field={f}
                value={values[f]}
                readOnly={readOnly}
                errors={fieldErrors[f]}
                onChange={(v) => setValues((old) => ({ ...old, [f]: v }))}
              />
            ))}
          </div>
          {'rate' in g && <GroupRate numerator={values[g.rate.numerator]} denominator={values[g.rate.denominator]} />}
        </fieldset>
      ))}

      {(can.approve || can.reopen) && (
        <label className="field">
          <span>{t('reports.form.reason')}</span>
          <input type="text" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      )}
      {(can.edit || can.submit || can.approve || can.reopen) && (
        <div className="form-actions">
          {can.edit && (
            <button type="submit" className="button" disabled={busy !== null}>
              {busy === 'save' ? t('reports.form.saving') : t('reports.form.save')}
            </button>
          )}
          {can.submit && (
            <ActionButton primary busy={busy === 'submit'} disabled={busy !== null} onClick={() => void onStep('submit')}>
              {busy === 'submit' ? t('reports.form.submitting') : t('reports.form.submit')}
            </ActionButton>
          )}
          {can.approve && (
            <ActionButton primary busy={busy === 'approve'} disabled={busy !== null} onClick={() => void onStep('approve')}>
              {busy === 'approve' ? t('reports.form.approving') : t('reports.form.approve')}
            </ActionButton>
          )}
          {can.reopen && (
            <ActionButton busy={busy === 'reopen'} disabled={busy !== null || !reason.trim()} onClick={() => void onStep('reopen')}>
              {busy === 'reopen' ? t('reports.form.reopening') : t('reports.form.reopen')}
            </ActionButton>
          )}
          {can.edit && dirty && (
            <span className="muted small" role="status">
              {t('reports.form.unsaved')}
            </span>
          )}
        </div>
      )}
      {submitCheck.dialog}
    </form>
  );
}

function ActionButton({
  children,
  primary = false,
  busy,
  disabled,
  onClick,
}: {
  children: ReactNode;
  primary?: boolean;
  busy: boolean;
  disabled: boolean;
  onClick: () => void;
}) {
  return (
    <button type="button" className={primary ? 'button button-primary' : 'button'} disabled={disabled} aria-busy={busy} onClick={onClick}>
      {children}
    </button>
  );
}

function FailureBox({ failure, fieldErrors, errorCount }: { failure: Failure; fieldErrors: FieldErrors; errorCount: number }) {
  const { t } = useTranslation();
  const lines = useErrorLines(failure.error);
  const { other } = mapProblemErrors(failure.error);
  // With field errors, list them as links to their fields (the problem's detail repeats them).
  const fieldsWithErrors = REPORT_FIELDS.filter((f) => fieldErrors[f]?.length);
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">{failure.title}</p>
      {errorCount > 0 ? (
        <>
          <p>{t('reports.form.errorCount', { n: errorCount })}</p>
          <ul>
            {fieldsWithErrors.map((f) =>
              (fieldErrors[f] ?? []).map((msg) => (
                <li key={`${f}-${msg}`}>
                  <a href={`#f-${f}`}>
                    {t(`reportFields.${f}`)}: {msg}
                  </a>
                </li>
              )),
            )}
            {other.map((msg) => (
              <li key={msg}>{msg}</li>
            ))}
          </ul>
        </>
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

function NumberField({
  field,
  value,
  readOnly,
  errors,
  onChange,
}: {
  field: ReportField;
  value: string;
  readOnly: boolean;
  errors: string[] | undefined;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  const id = `f-${field}`;
  const n = parseInteger(value);
  const money = isMoneyField(field) && typeof n === 'number' && !Number.isNaN(n) && n >= 1e6;
  const describedBy = [errors?.length ? `${id}-error` : '', money ? `${id}-reading` : ''].filter(Boolean).join(' ');
  return (
    <div className={errors?.length ? 'field has-error' : 'field'}>
      <label htmlFor={id}>{t(`reportFields.${field}`)}</label>
      <input
        id={id}
        name={field}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        className="num-input"
        value={value}
        readOnly={readOnly}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy || undefined}
        onChange={(e) => onChange(e.target.value)}
        onBlur={() => {
          if (typeof n === 'number' && !Number.isNaN(n)) onChange(formatInteger(n));
        }}
      />
      {money && (
        <span id={`${id}-reading`} className="hint">
          {formatVndShort(n)}
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

function GroupRate({ numerator, denominator }: { numerator: string; denominator: string }) {
  const { t } = useTranslation();
  const a = parseInteger(numerator);
  const b = parseInteger(denominator);
  if (a === null || b === null || Number.isNaN(a) || Number.isNaN(b) || b === 0) return null;
  return <p className="group-rate">{t('reports.form.rate', { value: formatFraction(a / b) })}</p>;
}
