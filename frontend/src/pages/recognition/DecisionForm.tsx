/** The decision itself: authority, number and date; recognises the picked registrations at once. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { problemFieldErrors } from '../../api/problem';
import { createDecision, useAfterRecognitionChange, type Decision, type RegFilters } from '../../api/recognition';
import { ErrorMessage } from '../../components/Status';
import { todayIso } from '../../lib/format';
import { FieldError, useFormState } from '../../lib/useFormState';
import { currentYear } from '../place/usePlace';

const FIELDS = ['authority', 'number', 'decided_on'] as const;

export function DecisionForm({ filters, ids, onDone }: { filters: RegFilters; ids: number[]; onDone: (d: Decision) => void }) {
  const { t } = useTranslation();
  const after = useAfterRecognitionChange();
  const [authority, setAuthority] = useState('');
  const [number, setNumber] = useState('');
  // A past year's decision is dated in that year (and a unit of the old map still existed then).
  const [date, setDate] = useState(filters.year < currentYear() ? `${filters.year}-12-31` : todayIso());
  const [done, setDone] = useState<string | null>(null);
  const form = useFormState(authority !== '' || number !== '');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    form.reset();
    const missing = Object.fromEntries(
      (
        [
          ['authority', authority],
          ['number', number],
          ['decided_on', date],
        ] as const
      )
        .filter(([, v]) => !v.trim())
        .map(([k]) => [k, [t('recognition.decide.required')]]),
    );
    if (Object.keys(missing).length || ids.length === 0) {
      form.fail(new Error(ids.length === 0 ? t('recognition.decide.nonePicked') : t('recognition.decide.required')), missing);
      return;
    }
    if (!filters.title || !filters.unit) return;
    const title = filters.title;
    const unit = filters.unit;
    await form.run(
      async () => {
        const d = await createDecision({
          unit_code: unit,
          title,
          year: filters.year,
          target_group: filters.target_group ?? null,
          authority: authority.trim(),
          number: number.trim(),
          decided_on: date,
          registration_ids: ids,
        });
        setDone(t('recognition.decide.done', { number: d.number, count: d.recognised }));
        setAuthority('');
        setNumber('');
        onDone(d);
        await after();
      },
      (err) => problemFieldErrors(err, { names: [...FIELDS] }).fields,
    );
  }

  return (
    <form className="panel recog-decision-form" onSubmit={(e) => void submit(e)} noValidate>
      <div ref={form.summaryRef} tabIndex={-1}>
        {form.failure !== null && <ErrorMessage error={form.failure} title={t('recognition.decide.failedTitle')} />}
      </div>
      <div className="record-grid">
        <div className={`field field-wide${form.errors.authority ? ' has-error' : ''}`}>
          <label htmlFor={`${form.id}-authority`}>
            {t('recognition.decide.authority')} <span className="required">*</span>
          </label>
          <input id={`${form.id}-authority`} value={authority} maxLength={300} onChange={(e) => setAuthority(e.target.value)} {...form.aria('authority', `${form.id}-authority-hint`)} />
          <p id={`${form.id}-authority-hint`} className="hint">
            {t('recognition.decide.authorityHint')}
          </p>
          <FieldError form={form} name="authority" />
        </div>
        <div className={`field${form.errors.number ? ' has-error' : ''}`}>
          <label htmlFor={`${form.id}-number`}>
            {t('recognition.decide.number')} <span className="required">*</span>
          </label>
          <input id={`${form.id}-number`} value={number} maxLength={100} onChange={(e) => setNumber(e.target.value)} {...form.aria('number', `${form.id}-number-hint`)} />
          <p id={`${form.id}-number-hint`} className="hint">
            {t('recognition.decide.numberHint')}
          </p>
          <FieldError form={form} name="number" />
        </div>
        <div className={`field${form.errors.decided_on ? ' has-error' : ''}`}>
          <label htmlFor={`${form.id}-date`}>
            {t('recognition.decide.date')} <span className="required">*</span>
          </label>
          <input id={`${form.id}-date`} type="date" value={date} onChange={(e) => setDate(e.target.value)} {...form.aria('decided_on')} />
          <FieldError form={form} name="decided_on" />
        </div>
      </div>
      <div className="form-actions-inline">
        <button type="submit" className="button button-primary" disabled={form.busy || ids.length === 0}>
          {t('recognition.decide.submit')}
        </button>
      </div>
      <p role="status" className="recog-message">
        {done}
      </p>
    </form>
  );
}
