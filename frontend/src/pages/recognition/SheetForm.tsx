/** The criteria sheet of one registrant: a box per index, the running total and the pass rule, live. */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/problem';
import { problemItemText } from '../../api/problemText';
import { putScores, SCORABLE, useAfterRecognitionChange, useEvidence, type CriteriaSet, type LoadedRegistration } from '../../api/recognition';
import { ErrorMessage } from '../../components/Status';
import { FieldError, useFormState, type FormErrors } from '../../lib/useFormState';
import { readDraft, removeDraft, writeDraft } from '../../lib/formDraft';
import { evaluateSheet, indicesOf, parsePoints, scoresOf, valuesOf } from '../../lib/scoring';
import { EvidenceBox } from './EvidenceBox';
import { RuleStatus } from './RuleStatus';

/** The API's errors of a sheet (loc body.scores.<index>) by index code. */
function scoreErrors(err: unknown): FormErrors {
  const out: FormErrors = {};
  if (!(err instanceof ApiError)) return out;
  for (const item of err.problem?.errors ?? []) {
    const [, section, code] = item.loc;
    if (section === 'scores' && typeof code === 'string') (out[code] ??= []).push(problemItemText(item));
  }
  return out;
}

export function SheetForm({ loaded, set, canWrite, canScore }: { loaded: LoadedRegistration; set: CriteriaSet; canWrite: boolean; canScore: boolean }) {
  const { t } = useTranslation();
  const after = useAfterRecognitionChange();
  const [record, setRecord] = useState(loaded.record);
  const [etag, setEtag] = useState(loaded.etag);
  const [saved, setSaved] = useState<Record<string, string>>(() => valuesOf(set.content, loaded.record.scores));
  const editable = canScore && SCORABLE.includes(record.status);
  // Points typed and not saved stay on this device (a reload, a lost tab): only index → points, no name.
  const draftKey = `recognition-sheet-${loaded.record.id}`;
  const draftBase = `${record.version}-${set.version}`;
  const [values, setValues] = useState(() => (editable ? readDraft<Record<string, string>>(draftKey, draftBase) : null) ?? saved);
  const [restored, setRestored] = useState(() => editable && readDraft(draftKey, draftBase) !== null);
  const [message, setMessage] = useState<string | null>(null);
  const dirty = useMemo(() => Object.keys(values).some((k) => values[k] !== saved[k]), [values, saved]);
  const form = useFormState(dirty);
  const state = evaluateSheet(set.content, values);
  const rule = set.content.pass_rule;
  const bands = set.content.rating_rule ?? null;

  useEffect(() => {
    if (editable && dirty) writeDraft(draftKey, draftBase, values);
    else removeDraft(draftKey);
  }, [editable, dirty, values, draftKey, draftBase]);
  const evidence = useEvidence(record.id);

  async function save(e: FormEvent) {
    e.preventDefault();
    form.reset();
    setMessage(null);
    if (!state.complete) {
      const bad = [...state.invalid, ...state.missing];
      const fields: FormErrors = Object.fromEntries(
        bad.map((code) => [code, [t('recognition.sheet.invalidBox', { max: indicesOf(set.content).find((i) => i.code === code)?.max_points ?? 0 })]]),
      );
      form.fail(new Error(t('recognition.sheet.invalidSome', { codes: bad.join(', ') })), fields);
      return;
    }
    await form.run(async () => {
      const next = await putScores(record.id, scoresOf(set.content, values), etag);
      setRecord(next.record);
      setEtag(next.etag);
      setSaved(values);
      setRestored(false);
      setMessage(
        t('recognition.sheet.saved', {
          total: next.record.total ?? 0,
          result: next.record.passed ? t('recognition.sheet.pass') : t('recognition.sheet.fail'),
        }),
      );
      void after();
    }, scoreErrors);
  }

  return (
    <form className="recog-form" onSubmit={(e) => void save(e)} noValidate aria-describedby="recog-rule">
      {record.status === 'returned' && record.return_reason && (
        <p className="alert alert-warning">{t('recognition.sheet.returned', { reason: record.return_reason })}</p>
      )}
      {restored && dirty && (
        <div className="alert alert-info">
          <p>{t('recognition.sheet.draftRestored')}</p>
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setValues(saved);
              setRestored(false);
            }}
          >
            {t('recognition.sheet.draftDiscard')}
          </button>
        </div>
      )}
      {!editable && (
        <p className="alert alert-info">
          {!canWrite
            ? t('recognition.sheet.noWrite')
            : !canScore
              ? t('recognition.sheet.notScorer')
              : t('recognition.sheet.readOnly', { status: t(`recognition.status.${record.status as 'verified'}`) })}
        </p>
      )}
      {bands ? (
        <p id="recog-rule" className="recog-rule">
          {t('recognition.sheet.bands', {
            bands: bands.bands
              .slice(0, -1)
              .map((b) =>
                b.min_criterion_share
                  ? t('recognition.sheet.bandShare', { name: b.name, min: b.min_total, share: b.min_criterion_share })
                  : t('recognition.sheet.bandCut', { name: b.name, min: b.min_total }),
              )
              .concat(bands.bands[bands.bands.length - 1]?.name ?? [])
              .join('; '),
          })}
          {!bands.confirmed && <span className="muted small"> {t('recognition.sheet.ruleUnconfirmed')}</span>}
          <span className="muted small"> {t('recognition.sheet.selfAssessed')}</span>
        </p>
      ) : (
        <p id="recog-rule" className="recog-rule">
          {t('recognition.sheet.rule', { min_total: rule.min_total, min_per_index: rule.min_per_index })}
          {!rule.confirmed && <span className="muted small"> {t('recognition.sheet.ruleUnconfirmed')}</span>}
        </p>
      )}
      <p className="muted small">{t('recognition.sheet.criteria', { name: set.content.name, version: set.version })}</p>
      <div ref={form.summaryRef} tabIndex={-1}>
        {form.failure !== null && <ErrorMessage error={form.failure} title={t('recognition.sheet.failedTitle')} />}
      </div>
      {set.content.criteria.map((c) => (
        <fieldset key={c.code} className="field-group recog-criterion">
          <legend>
            {c.code}. {c.name}
          </legend>
          {c.indices.map((ix) => {
            const boxId = `${form.id}-ix-${ix.code}`;
            const text = values[ix.code] ?? '';
            const points = parsePoints(text, ix.max_points);
            const low = points !== null && points < rule.min_per_index;
            const invalid = text.trim() !== '' && points === null;
            const mine = (evidence.data ?? []).filter((e) => e.index_code === ix.code);
            return (
              <div key={ix.code} className={`field recog-index${low ? ' recog-low' : ''}${form.errors[ix.code]?.length || invalid ? ' has-error' : ''}`}>
                <label htmlFor={boxId}>
                  <span className="mono">{ix.code}</span> {ix.name}
                </label>
                <div className="recog-box">
                  <input
                    id={boxId}
                    className="num-input recog-points"
                    type="text"
                    inputMode="numeric"
                    pattern="[0-9]*"
                    autoComplete="off"
                    maxLength={3}
                    value={text}
                    readOnly={!editable}
                    {...form.aria(ix.code, `${boxId}-max`)}
                    aria-invalid={invalid || form.errors[ix.code]?.length ? true : undefined}
                    onChange={(e) => setValues((v) => ({ ...v, [ix.code]: e.target.value.replace(/\s/g, '') }))}
                  />
                  <span id={`${boxId}-max`} className="recog-max">
                    {t('recognition.sheet.outOf', { max: ix.max_points })}
                  </span>
                  {low && <span className="recog-low-tag">{t('recognition.sheet.belowOne', { min: rule.min_per_index })}</span>}
                </div>
                {invalid && !form.errors[ix.code] && <p className="field-error">{t('recognition.sheet.invalidBox', { max: ix.max_points })}</p>}
                <FieldError form={form} name={ix.code} />
                <EvidenceBox registrationId={record.id} indexCode={ix.code} files={mine} editable={editable} />
              </div>
            );
          })}
        </fieldset>
      ))}
      <div className="form-actions recog-totalbar">
        <RuleStatus state={state} rule={rule} />
        {editable && (
          <button type="submit" className="button button-primary recog-save" disabled={form.busy}>
            {form.busy ? t('recognition.sheet.saving') : t('recognition.sheet.save')}
          </button>
        )}
        {dirty && <span className="muted small">{t('recognition.sheet.unsaved')}</span>}
        <p className="recog-saved" role="status">
          {message}
        </p>
      </div>
    </form>
  );
}
