/**
 * The entry form of an annual report: the 30 figures in groups with their Vietnamese labels,
 * numbers shown grouped by thousands, the API's 422 `errors` shown at the fields they name
 * (loc ["body", field] when saving, ["report", field] when submitting) and in a summary, a
 * clear message with a reload button on 412, and the workflow buttons the user may use.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isConflict, useReportMutations, type LoadedReport, type Report, type WorkflowAction } from '../../api/reports';
import { problemFieldErrors } from '../../api/problem';
import { formatInteger, parseInteger } from '../../lib/format';
import { readDraft, removeDraft, writeDraft } from '../../lib/formDraft';
import { useFormState } from '../../lib/useFormState';
import { FIELD_GROUPS, REPORT_FIELDS, type ReportField, type ReportIn } from '../../lib/reportFields';
import { useSubmitCheck } from './SubmitCheck';
import { FailureBox, NumberField, GroupRate, ReportActions } from './ReportFormParts';

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

export interface Failure {
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
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState<null | 'save' | WorkflowAction>(null);
  const [reason, setReason] = useState('');

  // New figures from the server (saved, reloaded, approved…): show them.
  if (base !== serverKey) {
    setBase(serverKey);
    setValues(initialValues(report));
  }

  const initial = initialValues(report);
  const dirty = REPORT_FIELDS.some((f) => values[f] !== initial[f]);
  const readOnly = !can.edit;
  // The shared form state: the field errors, the failure (with its title) and the guard on unsaved figures.
  const form = useFormState(dirty, { guard: can.edit });
  const fieldErrors = form.errors as FieldErrors;
  const failure = form.failure as Failure | null;
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
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
    form.reset();
    setConflict(false);
  }

  function fail(e: unknown, title: string) {
    if (isConflict(e)) {
      setConflict(true);
      form.fail(null);
    } else {
      form.fail({ title, error: e } satisfies Failure, mapProblemErrors(e).fields);
    }
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
      form.fail({ title, error: new Error(t('reports.form.localErrors')) } satisfies Failure, parsed.errors);
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

  return (
    <form className="report-form" aria-label={t('reports.form.label')} onSubmit={(e) => void onSave(e)} noValidate>
      <div ref={form.summaryRef} tabIndex={-1} className="summary-anchor">
        {conflict && (
          <div className="alert alert-warning" role="alert">
            <p className="alert-title">{t('reports.form.conflictTitle')}</p>
            <p>{t('reports.form.conflictBody')}</p>
            <button type="button" className="button button-primary" onClick={() => void reload()}>
              {t('reports.form.reload')}
            </button>
          </div>
        )}
        {failure && <FailureBox failure={failure} fieldErrors={fieldErrors} errorCount={form.errorCount} />}
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
      <ReportActions can={can} busy={busy} reason={reason} dirty={dirty} onStep={(action) => void onStep(action)} />
      {submitCheck.dialog}
    </form>
  );
}

