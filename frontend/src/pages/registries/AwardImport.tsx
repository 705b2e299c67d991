/**
 * Importing a list of awards from a CSV or XLSX file: choose or drop the file, check it first
 * ("Kiểm tra thử", a dry run that saves nothing) or import it; the job runs on the server and is
 * followed here (a progress bar from done_rows/total_rows), then its outcome: every bad cell by
 * row and column (and then nothing was saved), the possible duplicates, or how many were added.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchImportJob, isFinished, registryKey, startAwardImport, type ImportJob } from '../../api/registries';
import { downloadBlob } from '../../api/stats';
import { ErrorMessage } from '../../components/Status';
import { tx } from '../../i18n/loose';
import { formatInteger } from '../../lib/format';

export const IMPORT_COLUMNS = [
  ['unit_code', 'Mã đơn vị'],
  ['recipient_name', 'Họ và tên'],
  ['recipient_kind', 'Đối tượng'],
  ['school', 'Trường'],
  ['category', 'Loại khen thưởng'],
  ['year', 'Năm'],
  ['awarded_on', 'Ngày trao'],
  ['amount_vnd', 'Số tiền (đồng)'],
  ['gift_value_vnd', 'Giá trị quà (đồng)'],
] as const;

const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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

function templateCsv(): string {
  const header = IMPORT_COLUMNS.map(([, vi]) => vi).join(',');
  const example = ['12433', 'Nguyễn Văn An', 'học sinh', 'Trường THCS Lê Hồng Phong', 'Thưởng học sinh giỏi cấp tỉnh', '2024', '05/09/2024', '500000', '0'].join(',');
  return `\uFEFF${header}\n${example}\n`;
}

export function AwardImport({ pollMs = 300 }: { pollMs?: number }) {
  const { t } = useTranslation();
  const id = useId();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);
  const [starting, setStarting] = useState<null | 'dry' | 'real'>(null);
  const [startError, setStartError] = useState<unknown>(null);
  const [dragging, setDragging] = useState(false);
  const [importDuplicates, setImportDuplicates] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const handled = useRef(new Set<number>());

  const job = useQuery({
    queryKey: ['award-import', jobId],
    queryFn: ({ signal }) => fetchImportJob(jobId ?? 0, signal),
    enabled: jobId !== null,
    refetchInterval: (q) => (q.state.data && isFinished(q.state.data) ? false : pollMs),
    staleTime: Infinity,
    retry: 2,
  });
  const current = jobId !== null ? job.data : undefined;
  const running = starting !== null || (current !== undefined && !isFinished(current));

  // A real import that succeeded adds awards: the lists and the reconciliation change.
  useEffect(() => {
    if (!current || current.status !== 'succeeded' || current.dry_run || handled.current.has(current.id)) return;
    handled.current.add(current.id);
    void Promise.all([
      qc.invalidateQueries({ queryKey: registryKey('awards') }),
      qc.invalidateQueries({ queryKey: ['reports', 'reconciliation'] }),
    ]);
  }, [current, qc]);

  function choose(f: File | null) {
    setFile(f);
    setJobId(null);
    setStartError(null);
  }

  async function start(dryRun: boolean) {
    if (!file || running) return;
    setStartError(null);
    setJobId(null); // the previous job's outcome no longer applies
    setStarting(dryRun ? 'dry' : 'real');
    try {
      const created = await startAwardImport(file, dryRun, !importDuplicates);
      qc.setQueryData(['award-import', created.id], created);
      setJobId(created.id);
    } catch (e) {
      setStartError(e);
    } finally {
      setStarting(null);
    }
  }

  function onDrop(e: DragEvent<HTMLDivElement>) {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) choose(f);
  }

  return (
    <section className="panel import-panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('awardImport.title')}</h3>
      <p className="muted small">{t('awardImport.intro')}</p>
      <details className="columns-help">
        <summary>{t('awardImport.columnsTitle')}</summary>
        <ul>
          {IMPORT_COLUMNS.map(([code, vi]) => (
            <li key={code}>
              <strong>{vi}</strong> <span className="mono small">({code})</span> — {tx(t, `awardImport.columns.${code}`)}
            </li>
          ))}
        </ul>
      </details>
      <p>
        <button type="button" className="button button-small" onClick={() => downloadBlob(templateCsv(), 'mau-khen-thuong.csv')}>
          {t('awardImport.template')}
        </button>
      </p>

      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label htmlFor={`${id}-file`}>{t('awardImport.file')}</label>
        <input
          ref={inputRef}
          id={`${id}-file`}
          type="file"
          accept={ACCEPT}
          aria-describedby={`${id}-file-hint`}
          disabled={running}
          onChange={(e) => choose(e.target.files?.[0] ?? null)}
        />
        <span id={`${id}-file-hint`} className="hint">
          {file ? t('awardImport.chosen', { name: file.name, size: formatInteger(Math.ceil(file.size / 1024)) }) : t('awardImport.dropHint')}
        </span>
      </div>

      <label className="check">
        <input
          type="checkbox"
          checked={importDuplicates}
          disabled={running}
          onChange={(e) => {
            setImportDuplicates(e.target.checked);
            setJobId(null); // a dry run's count of rows to write no longer applies
          }}
        />{' '}
        {t('awardImport.importDuplicates')}
      </label>
      <div className="form-actions form-actions-inline">
        <button type="button" className="button" disabled={!file || running} aria-busy={starting === 'dry'} onClick={() => void start(true)}>
          {t('awardImport.dryRun')}
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={!file || running}
          aria-busy={starting === 'real'}
          onClick={() => void start(false)}
        >
          {t('awardImport.import')}
        </button>
      </div>

      {startError !== null && <ErrorMessage error={startError} title={t('awardImport.startFailed')} />}
      {job.isError && jobId !== null && <ErrorMessage error={job.error} title={t('awardImport.pollFailed')} onRetry={() => void job.refetch()} />}
      {current && <JobView job={current} skipDuplicates={!importDuplicates} />}
    </section>
  );
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
