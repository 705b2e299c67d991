/**
 * The parts of the report form (ReportForm): a figure's input, a group's rate, a workflow button
 * and the summary of a failed save, each field's messages linked to the field.
 */
import { type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorLines } from '../../components/Status';
import { formatFraction, formatInteger, formatVndShort, parseInteger } from '../../lib/format';
import { isMoneyField, REPORT_FIELDS, type ReportField } from '../../lib/reportFields';
import type { WorkflowAction } from '../../api/reports';
import { mapProblemErrors, type Failure, type FieldErrors, type Permissions } from './ReportForm';

export function ActionButton({
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

export function FailureBox({ failure, fieldErrors, errorCount }: { failure: Failure; fieldErrors: FieldErrors; errorCount: number }) {
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

export function NumberField({
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

export function GroupRate({ numerator, denominator }: { numerator: string; denominator: string }) {
  const { t } = useTranslation();
  const a = parseInteger(numerator);
  const b = parseInteger(denominator);
  if (a === null || b === null || Number.isNaN(a) || Number.isNaN(b) || b === 0) return null;
  return <p className="group-rate">{t('reports.form.rate', { value: formatFraction(a / b) })}</p>;
}

/** The save and workflow buttons the user may use, and the note of unsaved changes. */
export function ReportActions({
  can,
  busy,
  reason,
  dirty,
  onStep,
}: {
  can: Permissions;
  busy: null | 'save' | WorkflowAction;
  reason: string;
  dirty: boolean;
  onStep: (action: WorkflowAction) => void;
}) {
  const { t } = useTranslation();
  return (
    (can.edit || can.submit || can.approve || can.reopen) && (
      <div className="form-actions">
        {can.edit && (
          <button type="submit" className="button" disabled={busy !== null}>
            {busy === 'save' ? t('reports.form.saving') : t('reports.form.save')}
          </button>
        )}
        {can.submit && (
          <ActionButton primary busy={busy === 'submit'} disabled={busy !== null} onClick={() => onStep('submit')}>
            {busy === 'submit' ? t('reports.form.submitting') : t('reports.form.submit')}
          </ActionButton>
        )}
        {can.approve && (
          <ActionButton primary busy={busy === 'approve'} disabled={busy !== null} onClick={() => onStep('approve')}>
            {busy === 'approve' ? t('reports.form.approving') : t('reports.form.approve')}
          </ActionButton>
        )}
        {can.reopen && (
          <ActionButton busy={busy === 'reopen'} disabled={busy !== null || !reason.trim()} onClick={() => onStep('reopen')}>
            {busy === 'reopen' ? t('reports.form.reopening') : t('reports.form.reopen')}
          </ActionButton>
        )}
        {can.edit && dirty && (
          <span className="muted small" role="status">
            {t('reports.form.unsaved')}
          </span>
        )}
      </div>
    )
  );
}
