import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useReport, useReportHistory, type HistoryEntry, type Report } from '../../api/reports';
import { useUnit } from '../../api/units';
import { useAuth, type Me } from '../../auth/AuthProvider';
import { ErrorMessage, Loading } from '../../components/Status';
import { useDocumentTitle } from '../../components/UnderConstruction';
import { formatDateTime, formatInteger, MISSING } from '../../lib/format';
import { isReportField, REPORT_FIELDS } from '../../lib/reportFields';
import { useUnitEnd } from '../../lib/useUnitEnd';
import { EndedUnitNote } from './EndedUnitNote';
import { PublishPanel } from './PublishPanel';
import { ReconciliationPanel } from './ReconciliationPanel';
import { ReportForm, type Permissions } from './ReportForm';
import { StatusBadge } from './StatusBadge';

/**
 * What the user may do with a report, as the service decides it (the buttons only mirror it;
 * the API refuses anything else): editors change drafts of their units, and submit those of their own
 * unit (partner keys: of their scope); approving and reopening is for a unit above, never the submitter.
 */
export function permissionsFor(me: Me | undefined, unit: string, report: Report | null): Permissions {
  const scopes = new Set(me?.scopes ?? []);
  const writer = scopes.has('reports:write') && me?.role !== 'viewer';
  const above = scopes.has('reports:approve') && me?.role !== 'viewer' && me?.unit_code !== unit;
  const status = report?.status ?? 'draft';
  return {
    edit: writer && status === 'draft',
    submit: writer && status === 'draft' && (me?.unit_code === unit || me?.role === 'partner'),
    approve: above && status === 'submitted',
    reopen: above && (status === 'submitted' || status === 'approved'),
  };
}

export function ReportPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const params = useParams();
  const unit = params.unit ?? '';
  const year = Number(params.year);
  const validYear = Number.isInteger(year) && year >= 1990 && year <= 2100;
  // No request for a year that is not one (/bao-cao/12433/abcd): the page says so by itself.
  const loaded = useReport(unit, year, validYear);
  const { ready: endKnown, ended } = useUnitEnd(unit);
  // A year after the unit ended cannot be saved (the API reads the code on 31 December): read only,
  // and nothing is asked about the unit on that year's map (it names no unit then: no 404 logged).
  const afterEnd = ended !== null && year > ended.lastYear;
  // The unit's name and level when there is no report yet (a report carries its own).
  const unitInfo = useUnit(
    unit,
    `${validYear ? year : 2024}-12-31`,
    validYear && endKnown && !afterEnd && loaded.isSuccess && loaded.data.report === null,
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const report = loaded.data?.report ?? null;
  const name = report?.unit_name ?? unitInfo.data?.name ?? ended?.unit.name ?? unit;
  useDocumentTitle(validYear ? t('reports.heading', { year, name }) : t('common.notFound'));

  if (!validYear) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">{t('common.notFound')}</h1>
      </section>
    );
  }

  const can = afterEnd ? { edit: false, submit: false, approve: false, reopen: false } : permissionsFor(me, unit, report);

  return (
    <section aria-labelledby="page-title">
      <p className="breadcrumb">
        <Link to="/bao-cao">← {t('reports.back')}</Link>
      </p>
      <h1 id="page-title">{t('reports.heading', { year, name })}</h1>

      {afterEnd && <EndedUnitNote ended={ended} year={year} />}
      {loaded.isPending && <Loading />}
      {loaded.isError && <ErrorMessage error={loaded.error} onRetry={() => void loaded.refetch()} />}

      {loaded.isSuccess && (
        <>
          <ReportMeta report={report} unit={unit} level={unitInfo.data?.level} />
          {/* The year's open data: publishable once this report is approved; withdrawable wherever it is published. */}
          {endKnown && !afterEnd && (
            <PublishPanel unit={unit} year={year} name={name} approved={report?.status === 'approved'} />
          )}
          {report === null && (
            <div className="alert alert-info">
              <p>{t('reports.notYet', { year })}</p>
              <p>{can.edit ? t('reports.notYetCanWrite') : t('reports.notYetReadOnly')}</p>
            </div>
          )}
          {report && report.status !== 'draft' && (
            <p className="note">{report.status === 'submitted' ? t('reports.locked.submitted') : t('reports.locked.approved')}</p>
          )}
          {report && report.status === 'draft' && !can.edit && <p className="note">{t('reports.locked.readOnly')}</p>}
          <p className="notice" role="status" aria-live="polite">
            {notice}
          </p>
          {(report !== null || can.edit) && (
            <ReportForm
              unit={unit}
              year={year}
              loaded={loaded.data}
              can={can}
              onDone={setNotice}
              onReload={async () => {
                setNotice(null);
                await loaded.refetch();
              }}
              onDirtyChange={setDirty}
            />
          )}
          {/* Only once the unit's end is known: a year after it names no unit (the answer would be a 404). */}
          {endKnown && !afterEnd && (
          <ReconciliationPanel
            unit={unit}
            year={year}
            loaded={loaded.data}
            canPrefill={can.edit}
            dirty={dirty}
            onDone={setNotice}
            onReload={async () => {
              setNotice(null);
              await loaded.refetch();
            }}
          />
          )}
          {report && <History unit={unit} year={year} />}
        </>
      )}
    </section>
  );
}

function ReportMeta({ report, unit, level }: { report: Report | null; unit: string; level: string | undefined }) {
  const { t } = useTranslation();
  const lvl = report?.unit_level ?? level;
  return (
    <dl className="facts">
      <div>
        <dt>{t('units.detail.code')}</dt>
        <dd className="mono">
          {unit}
          {lvl && ` · ${t(`units.levels.${lvl as 'province'}`, { defaultValue: lvl })}`}
        </dd>
      </div>
      <div>
        <dt>{t('reports.meta.status')}</dt>
        <dd>{report ? <StatusBadge status={report.status} /> : MISSING}</dd>
      </div>
      {report && (
        <>
          <div>
            <dt>{t('reports.meta.updated')}</dt>
            <dd>
              {formatDateTime(report.updated_at)} · {t('reports.meta.version')} {formatInteger(report.version)}
            </dd>
          </div>
          <div>
            <dt>{t('reports.meta.submitted')}</dt>
            <dd>
              {report.submitted_at
                ? t('reports.meta.by', { at: formatDateTime(report.submitted_at), who: report.submitted_by ?? MISSING })
                : MISSING}
            </dd>
          </div>
          <div>
            <dt>{t('reports.meta.approved')}</dt>
            <dd>
              {report.approved_at
                ? t('reports.meta.by', { at: formatDateTime(report.approved_at), who: report.approved_by ?? MISSING })
                : MISSING}
              {report.approval_reason ? ` — ${report.approval_reason}` : ''}
            </dd>
          </div>
          {report.reopen_reason && (
            <div>
              <dt>{t('reports.meta.reopenReason')}</dt>
              <dd>{report.reopen_reason}</dd>
            </div>
          )}
        </>
      )}
    </dl>
  );
}

function showValue(v: unknown, t: (k: 'reports.status.draft' | 'reports.status.submitted' | 'reports.status.approved') => string): string {
  if (v === null || v === undefined) return MISSING;
  if (typeof v === 'number') return formatInteger(v);
  if (v === 'draft' || v === 'submitted' || v === 'approved') return t(`reports.status.${v}`);
  return String(v);
}

function History({ unit, year }: { unit: string; year: number }) {
  const { t } = useTranslation();
  const history = useReportHistory(unit, year);
  const entries: HistoryEntry[] = history.data ?? [];
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{t('reports.history.title')}</h2>
      {history.isPending && <Loading />}
      {history.isError && <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />}
      {history.isSuccess && entries.length === 0 && <p className="empty">{t('reports.history.none')}</p>}
      {entries.length > 0 && (
        // Focusable: on a phone the table scrolls sideways, and a keyboard user must be able to scroll it (axe).
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('reports.history.caption')}>
          <table className="data history">
            <caption className="visually-hidden">{t('reports.history.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.history.at')}</th>
                <th scope="col">{t('reports.history.actor')}</th>
                <th scope="col">{t('reports.history.action')}</th>
                <th scope="col">{t('reports.history.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {[...entries].reverse().map((e, i) => {
                // The status first, then the figures in the form's order.
                const order = (f: string) => (f === 'status' ? -1 : REPORT_FIELDS.indexOf(f as never) + (isReportField(f) ? 0 : 1000));
                const changes = Object.entries(e.changes ?? {}).sort(([a], [b]) => order(a) - order(b));
                return (
                  <tr key={`${e.at}-${i}`}>
                    <td className="nowrap">{formatDateTime(e.at)}</td>
                    <td>{e.actor_name}</td>
                    <td>
                      {t(`reports.history.actions.${e.action as 'create'}`, { defaultValue: e.action })}
                    </td>
                    <td>
                      {changes.length === 0 ? (
                        MISSING
                      ) : (
                        <ul className="changes">
                          {changes.map(([field, pair]) => {
                            const [from, to] = Array.isArray(pair) ? pair : [undefined, pair];
                            return (
                              <li key={field}>
                                {t('reports.history.change', {
                                  field: isReportField(field) ? t(`reportFields.${field}`) : field === 'status' ? t('reports.meta.status') : field,
                                  from: showValue(from, t),
                                  to: showValue(to, t),
                                })}
                              </li>
                            );
                          })}
                        </ul>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
