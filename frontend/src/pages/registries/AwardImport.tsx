/**
 * Importing a list of awards from a CSV or XLSX file: choose or drop the file, check it first
 * ("Kiểm tra thử", a dry run that saves nothing) or import it; the job runs on the server and is
 * followed here (ImportJobView: a progress bar, then its outcome). The template is the API's Excel
 * file, with drop-down lists of the user's units, the categories, the recipient kinds and years.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchAwardTemplate, fetchImportJob, isFinished, registryKey, startAwardImport } from '../../api/registries';
import { downloadBlob } from '../../api/stats';
import { ErrorMessage } from '../../components/Status';
import { tx } from '../../i18n/loose';
import { formatInteger } from '../../lib/format';
import { JobView } from './ImportJobView';

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

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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
  const [template, setTemplate] = useState<'idle' | 'loading' | unknown>('idle');
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

  async function downloadTemplate() {
    setTemplate('loading');
    try {
      downloadBlob(await fetchAwardTemplate(), 'mau-khen-thuong.xlsx', XLSX);
      setTemplate('idle');
    } catch (e) {
      setTemplate(e);
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
        <button type="button" className="button button-small" aria-busy={template === 'loading'} onClick={() => void downloadTemplate()}>
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

      {template !== 'idle' && template !== 'loading' && <ErrorMessage error={template} title={t('awardImport.templateFailed')} />}
      {startError !== null && <ErrorMessage error={startError} title={t('awardImport.startFailed')} />}
      {job.isError && jobId !== null && <ErrorMessage error={job.error} title={t('awardImport.pollFailed')} onRetry={() => void job.refetch()} />}
      {current && <JobView job={current} skipDuplicates={!importDuplicates} />}
    </section>
  );
}
