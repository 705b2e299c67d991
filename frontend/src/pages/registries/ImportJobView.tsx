/**
 * An award import job as it runs and ends: a progress bar from done_rows/total_rows, then every bad
 * cell by row and column (and then nothing was saved), the possible duplicates, or how many were added.
 */
import { useTranslation } from 'react-i18next';
import { isFinished, type ImportJob } from '../../api/registries';
import { tx } from '../../i18n/loose';
import { formatInteger } from '../../lib/format';

export interface ImportError {
  row: number;
  column: string;
  msg: string;
  type: string;
}

export interface ImportDuplicate {
  row: number;
  recipient_name: string;
  same_as_row: number | null;
  existing_award_id: number | null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The job's errors, in row then column order. */
export function jobErrors(job: ImportJob): ImportError[] {
  return job.errors
    .map((e) => ({
      row: num(e.row) ?? 0,
      column: typeof e.column === 'string' ? e.column : '',
      msg: typeof e.msg === 'string' ? e.msg : '',
      type: typeof e.type === 'string' ? e.type : '',
    }))
    .sort((a, b) => a.row - b.row || a.column.localeCompare(b.column));
}

export function jobDuplicates(job: ImportJob): ImportDuplicate[] {
  return job.duplicates.map((d) => ({
    row: num(d.row) ?? 0,
    recipient_name: typeof d.recipient_name === 'string' ? d.recipient_name : '',
    same_as_row: num(d.same_as_row),
    existing_award_id: num(d.existing_award_id),
  }));
}

export function ImportProgress({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const known = job.total_rows > 0;
  // A finished job never animates: a file refused before any row was read has no total.
  const moving = !known && !isFinished(job);
  const done = Math.min(job.done_rows, job.total_rows);
  const pct = known ? Math.round((done / job.total_rows) * 100) : 0;
  const phase = tx(t, `awardImport.phase.${job.phase}`, { defaultValue: job.phase });
  const text = known
    ? t('awardImport.progressOf', { done: formatInteger(done), total: formatInteger(job.total_rows) })
    : t('awardImport.progressRows', { done: formatInteger(job.done_rows) });
  return (
    <div className="import-progress">
      <p className="progress-label" id={`job-${job.id}-progress`}>
        {phase} · {text}
      </p>
      <div
        className={`progress${moving ? ' indeterminate' : ''}${isFinished(job) ? ` progress-${job.status}` : ''}`}
        role="progressbar"
        aria-labelledby={`job-${job.id}-progress`}
        aria-valuemin={0}
        aria-valuemax={known ? job.total_rows : undefined}
        aria-valuenow={known ? done : undefined}
        aria-valuetext={`${phase}: ${text}`}
      >
        <div className="progress-fill" style={{ width: known ? `${pct}%` : undefined }} />
      </div>
    </div>
  );
}

export function JobView({ job, skipDuplicates = true }: { job: ImportJob; skipDuplicates?: boolean }) {
  const { t } = useTranslation();
  const errors = jobErrors(job);
  const duplicates = jobDuplicates(job);
  const finished = isFinished(job);
  return (
    <div className="job">
      <p className="muted small">
        {job.dry_run ? t('awardImport.jobDry', { name: job.filename }) : t('awardImport.jobReal', { name: job.filename })}
      </p>
      <ImportProgress job={job} />
      {finished && job.status === 'failed' && (
        <div className="alert alert-error" role="alert">
          <p className="alert-title">{job.dry_run ? t('awardImport.failedDry') : t('awardImport.failed')}</p>
          <p>{job.message}</p>
        </div>
      )}
      {finished && job.status === 'succeeded' && job.dry_run && (
        <div className="alert alert-info" role="status">
          <p className="alert-title">{t('awardImport.okDry')}</p>
          <p>{t('awardImport.okDryBody', { n: formatInteger(job.total_rows) })}</p>
          {job.duplicate_rows > 0 && (
            <p>
              {skipDuplicates
                ? t('awardImport.duplicatesSkipped', { n: formatInteger(job.duplicate_rows) })
                : t('awardImport.duplicatesKept', { n: formatInteger(job.duplicate_rows) })}
            </p>
          )}
          <p>{t('awardImport.okDryNext', { n: formatInteger(job.total_rows - (skipDuplicates ? job.duplicate_rows : 0)) })}</p>
        </div>
      )}
      {finished && job.status === 'succeeded' && !job.dry_run && (
        <div className="alert alert-success" role="status">
          <p className="alert-title">{t('awardImport.ok', { n: formatInteger(job.created_rows) })}</p>
          <p>{t('awardImport.okBody')}</p>
        </div>
      )}
      {errors.length > 0 && (
        <div className="table-wrap">
          <table className="data import-errors">
            <caption>{t('awardImport.errorsCaption', { n: formatInteger(errors.length) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('awardImport.col.row')}</th>
                <th scope="col">{t('awardImport.col.column')}</th>
                <th scope="col">{t('awardImport.col.error')}</th>
              </tr>
            </thead>
            <tbody>
              {errors.map((e, i) => (
                <tr key={`${e.row}-${e.column}-${i}`}>
                  <td className="nowrap">{e.row === 0 ? t('awardImport.wholeFile') : e.row === 1 ? t('awardImport.headerRow') : formatInteger(e.row)}</td>
                  <td className="mono">{e.column || '—'}</td>
                  <td>{e.msg}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {duplicates.length > 0 && (
        <div className="table-wrap">
          <table className="data import-duplicates">
            <caption>{t('awardImport.duplicatesCaption', { n: formatInteger(Math.max(job.duplicate_rows, duplicates.length)) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('awardImport.col.row')}</th>
                <th scope="col">{t('registries.f.recipient_name')}</th>
                <th scope="col">{t('awardImport.col.sameAs')}</th>
              </tr>
            </thead>
            <tbody>
              {duplicates.map((d, i) => (
                <tr key={`${d.row}-${i}`}>
                  <td>{formatInteger(d.row)}</td>
                  <td>{d.recipient_name}</td>
                  <td>
                    {d.same_as_row !== null
                      ? t('awardImport.sameRow', { row: formatInteger(d.same_as_row) })
                      : t('awardImport.sameAward', { id: d.existing_award_id ?? '?' })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
