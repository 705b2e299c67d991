import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { parseStatus, REPORT_STATUSES, useReportList, type ReportListFilters } from '../../api/reports';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorMessage, Loading } from '../../components/Status';
import { useDocumentTitle } from '../../components/UnderConstruction';
import { formatDateTime, formatInteger } from '../../lib/format';
import { currentYear, FIRST_YEAR, parseYear } from '../place/usePlace';
import { useUnitEnd } from '../../lib/useUnitEnd';
import { StatusBadge } from './StatusBadge';
import { UnitCombobox } from '../../components/UnitCombobox';

const CODE = /^\d{2,5}(-[0-9A-Za-z]{1,12})?$/;

function years(): number[] {
  const out: number[] = [];
  for (let y = currentYear(); y >= FIRST_YEAR; y--) out.push(y);
  return out;
}

export function ReportsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('reports.title'));
  const [params, setParams] = useSearchParams();
  const filters: ReportListFilters = {
    year: parseYear(params.get('year')),
    status: parseStatus(params.get('status')),
    unit: params.get('unit') ?? undefined,
  };
  const filterKey = JSON.stringify(filters);
  // The cursors of the pages seen so far, to go back; reset whenever the filters change.
  const [pages, setPages] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: filterKey, cursors: [undefined] });
  const cursors = pages.key === filterKey ? pages.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];
  const list = useReportList(filters, cursor);
  const items = list.data?.items ?? [];

  const [draftYear, setDraftYear] = useState(params.get('year') ?? '');
  const [draftStatus, setDraftStatus] = useState(params.get('status') ?? '');
  const [draftUnit, setDraftUnit] = useState(params.get('unit') ?? '');
  useEffect(() => {
    setDraftYear(params.get('year') ?? '');
    setDraftStatus(params.get('status') ?? '');
    setDraftUnit(params.get('unit') ?? '');
  }, [params]);

  function apply(e: FormEvent) {
    e.preventDefault();
    const next = new URLSearchParams();
    if (draftYear) next.set('year', draftYear);
    if (draftStatus) next.set('status', draftStatus);
    if (draftUnit.trim()) next.set('unit', draftUnit.trim());
    setParams(next);
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('reports.title')}</h1>
      <p className="muted">{t('reports.intro')}</p>

      <OpenReport />

      <form className="filters report-filters" aria-label={t('reports.filters')} onSubmit={apply}>
        <div className="field">
          <label htmlFor="rf-year">{t('reports.col.year')}</label>
          <select id="rf-year" value={draftYear} onChange={(e) => setDraftYear(e.target.value)}>
            <option value="">{t('reports.allYears')}</option>
            {years().map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rf-status">{t('reports.statusLabel')}</label>
          <select id="rf-status" value={draftStatus} onChange={(e) => setDraftStatus(e.target.value)}>
            <option value="">{t('reports.allStatuses')}</option>
            {REPORT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`reports.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <UnitCombobox id="rf-unit" label={t('reports.unitCode')} value={draftUnit} onChange={setDraftUnit} hint={t('picker.hint')} />
        <div className="field field-actions">
          <button type="submit" className="button button-primary">
            {t('reports.apply')}
          </button>
          {(filters.year || filters.status || filters.unit) && (
            <button type="button" className="button button-quiet" onClick={() => setParams(new URLSearchParams())}>
              {t('reports.reset')}
            </button>
          )}
        </div>
      </form>

      <div className="list-head">
        <p className="count" role="status" aria-live="polite">
          {list.isSuccess && t('reports.pageInfo', { page: formatInteger(cursors.length), n: formatInteger(items.length), count: items.length })}
        </p>
      </div>
      {list.isPending && <Loading />}
      {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && items.length === 0 && <p className="empty">{t('reports.none')}</p>}
      {items.length > 0 && (
        <div className={list.isPlaceholderData ? 'table-wrap stale' : 'table-wrap'} aria-busy={list.isFetching}>
          <table className="data">
            <caption className="visually-hidden">{t('reports.listCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.col.unit')}</th>
                <th scope="col">{t('reports.col.code')}</th>
                <th scope="col" className="hide-narrow">
                  {t('reports.col.level')}
                </th>
                <th scope="col">{t('reports.col.year')}</th>
                <th scope="col">{t('reports.col.status')}</th>
                <th scope="col" className="hide-narrow">
                  {t('reports.col.updated')}
                </th>
                <th scope="col" className="hide-narrow">
                  {t('reports.col.submittedBy')}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={`${r.unit_code}-${r.year}`}>
                  <td>
                    <Link to={`/bao-cao/${encodeURIComponent(r.unit_code)}/${r.year}`}>{r.unit_name}</Link>
                  </td>
                  <td className="mono">{r.unit_code}</td>
                  <td className="hide-narrow">{t(`units.levels.${r.unit_level as 'province'}`, { defaultValue: r.unit_level })}</td>
                  <td>{r.year}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td className="hide-narrow nowrap">{formatDateTime(r.updated_at)}</td>
                  <td className="hide-narrow">{r.submitted_by ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(cursors.length > 1 || list.data?.next_cursor) && (
        <nav className="pager" aria-label={t('reports.listCaption')}>
          <button
            type="button"
            className="button"
            disabled={cursors.length <= 1 || list.isFetching}
            onClick={() => setPages({ key: filterKey, cursors: cursors.slice(0, -1) })}
          >
            ← {t('reports.prev')}
          </button>
          <button
            type="button"
            className="button"
            disabled={!list.data?.next_cursor || list.isFetching}
            onClick={() => setPages({ key: filterKey, cursors: [...cursors, list.data?.next_cursor ?? undefined] })}
          >
            {t('reports.next')} →
          </button>
        </nav>
      )}
    </section>
  );
}

/** Go to a unit's report for a year (to read it, or to enter it when there is none yet). */
function OpenReport() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const navigate = useNavigate();
  const [code, setCode] = useState(me?.unit_code ?? '');
  const [year, setYear] = useState(String(currentYear()));
  const [yearTouched, setYearTouched] = useState(false);
  const [error, setError] = useState(false);
  // A user of a unit that ended lands on its last year, the latest one that can be saved.
  const lastYear = useUnitEnd(me?.unit_code).ended?.lastYear;
  useEffect(() => {
    if (lastYear !== undefined && !yearTouched && code === (me?.unit_code ?? '')) setYear(String(lastYear));
  }, [lastYear, yearTouched, code, me?.unit_code]);

  function open(e: FormEvent) {
    e.preventDefault();
    const c = code.trim();
    if (!CODE.test(c)) {
      setError(true);
      return;
    }
    setError(false);
    void navigate(`/bao-cao/${encodeURIComponent(c)}/${year}`);
  }

  return (
    <form className="filters open-report" aria-labelledby="open-title" onSubmit={open} noValidate>
      <h2 id="open-title" className="filters-title">
        {me?.scopes.includes('reports:write') ? t('reports.open.title') : t('reports.open.titleRead')}
      </h2>
      <UnitCombobox
        id="open-unit"
        label={t('reports.open.unit')}
        value={code}
        onChange={(c) => {
          setCode(c);
          setError(false);
        }}
        error={error ? t('reports.open.invalidCode') : undefined}
        required
      />
      <div className="field">
        <label htmlFor="open-year">{t('reports.open.year')}</label>
        <select
          id="open-year"
          value={year}
          onChange={(e) => {
            setYearTouched(true);
            setYear(e.target.value);
          }}
        >
          {years().map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-actions">
        <button type="submit" className="button button-primary">
          {t('reports.open.submit')}
        </button>
      </div>
    </form>
  );
}
