/** An association's members and rating, year by year, and setting them for a year. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/problem';
import { fetchRecord, putAssociationYear, registryKey, useAssociationYears, type Association } from '../../api/registries';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorMessage, Loading, useErrorLines } from '../../components/Status';
import { formatInteger, MISSING, parseInteger } from '../../lib/format';
import { currentYear } from '../place/usePlace';
import { canWriteRegistries, yearsDesc } from './RegistryTab';

const RATINGS = ['Vững mạnh', 'Khá', 'Trung bình', 'Yếu'];

export function AssociationYears({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const canWrite = canWriteRegistries(me);
  const formId = useId();
  const qc = useQueryClient();
  const record = useQuery({
    queryKey: [...registryKey('associations'), 'one', id],
    queryFn: () => fetchRecord<Association>('associations', id),
  });
  const years = useAssociationYears(id);
  const [year, setYear] = useState('');
  const [members, setMembers] = useState('');
  const [rating, setRating] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const errorLines = useErrorLines(error);

  useEffect(() => {
    heading.current?.focus();
  }, [id]);

  // Choosing a year shows what is recorded for it.
  const rows = [...(years.data ?? [])].sort((a, b) => b.year - a.year);
  useEffect(() => {
    // Start on the latest year recorded (or last year).
    if (year === '' && years.data) setYear(String(rows[0]?.year ?? currentYear() - 1));
  }, [years.data]);
  useEffect(() => {
    const found = (years.data ?? []).find((y) => String(y.year) === year);
    setMembers(found?.members != null ? formatInteger(found.members) : '');
    setRating(found?.rating ?? '');
  }, [year, years.data]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setFieldError(null);
    setNotice(null);
    const n = parseInteger(members);
    if (n !== null && Number.isNaN(n)) {
      setFieldError(t('registries.form.notInteger'));
      return;
    }
    setBusy(true);
    try {
      await putAssociationYear(id, Number(year), { members: n, rating: rating.trim() || null });
      await Promise.all([
        qc.invalidateQueries({ queryKey: [...registryKey('associations'), 'years', id] }),
        qc.invalidateQueries({ queryKey: ['reports', 'reconciliation'] }),
      ]);
      setNotice(t('associations.yearSaved', { year }));
    } catch (err) {
      if (err instanceof ApiError) {
        const item = err.problem?.errors?.find((x) => x.loc[1] === 'members');
        if (item) setFieldError(item.msg);
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const name = record.data?.record.name ?? `#${id}`;
  return (
    <section className="panel detail-panel" aria-labelledby={`${formId}-title`}>
      <div className="panel-head">
        <h3 id={`${formId}-title`} ref={heading} tabIndex={-1}>
          {t('associations.yearsTitle', { name })}
        </h3>
        <button type="button" className="button" onClick={onClose}>
          {t('registries.close')}
        </button>
      </div>
      {years.isPending && <Loading />}
      {years.isError && <ErrorMessage error={years.error} onRetry={() => void years.refetch()} />}
      {years.isSuccess && rows.length === 0 && <p className="empty">{t('associations.noYears')}</p>}
      {rows.length > 0 && (
        <div className="table-wrap narrow-table">
          <table className="data">
            <caption className="visually-hidden">{t('associations.yearsTitle', { name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('registries.f.year')}</th>
                <th scope="col" className="num">
                  {t('associations.members')}
                </th>
                <th scope="col">{t('associations.rating')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((y) => (
                <tr key={y.year}>
                  <td>{y.year}</td>
                  <td className="num">{formatInteger(y.members)}</td>
                  <td>{y.rating || MISSING}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canWrite && (
        <form className="inline-form" aria-label={t('associations.setYear')} onSubmit={(e) => void submit(e)} noValidate>
          <h4>{t('associations.setYear')}</h4>
          {error !== null && (
            <div className="alert alert-error" role="alert">
              <p className="alert-title">{t('registries.form.saveFailed')}</p>
              <p>{errorLines[0]}</p>
            </div>
          )}
          <p className="notice" role="status" aria-live="polite">
            {notice}
          </p>
          <div className="filters-row">
            <div className="field">
              <label htmlFor={`${formId}-year`}>{t('registries.f.year')}</label>
              <select id={`${formId}-year`} value={year} onChange={(e) => setYear(e.target.value)}>
                {yearsDesc().map((y) => (
                  <option key={y} value={y}>
                    {y}
                  </option>
                ))}
              </select>
            </div>
            <div className={fieldError ? 'field has-error' : 'field'}>
              <label htmlFor={`${formId}-members`}>{t('associations.members')}</label>
              <input
                id={`${formId}-members`}
                type="text"
                inputMode="numeric"
                className="num-input"
                autoComplete="off"
                value={members}
                aria-invalid={fieldError ? true : undefined}
                aria-describedby={fieldError ? `${formId}-members-error` : undefined}
                onChange={(e) => setMembers(e.target.value)}
              />
              {fieldError && (
                <p id={`${formId}-members-error`} className="field-error">
                  {fieldError}
                </p>
              )}
            </div>
            <div className="field">
              <label htmlFor={`${formId}-rating`}>{t('associations.rating')}</label>
              <input
                id={`${formId}-rating`}
                type="text"
                maxLength={60}
                list={`${formId}-ratings`}
                value={rating}
                onChange={(e) => setRating(e.target.value)}
              />
              <datalist id={`${formId}-ratings`}>
                {RATINGS.map((r) => (
                  <option key={r} value={r} />
                ))}
              </datalist>
            </div>
            <div className="field field-actions">
              <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
                {t('associations.saveYear')}
              </button>
            </div>
          </div>
        </form>
      )}
    </section>
  );
}
