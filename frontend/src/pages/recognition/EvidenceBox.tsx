/** Evidence (minh chứng) of one index: its files, and a photo or scan to add (the phone's camera opens). */
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadBlob } from '../../api/stats';
import { fetchEvidenceFile, uploadEvidence, type Evidence } from '../../api/recognition';
import { ErrorMessage } from '../../components/Status';

export function EvidenceBox({
  registrationId,
  indexCode,
  files,
  editable,
}: {
  registrationId: number;
  indexCode: string;
  files: Evidence[];
  editable: boolean;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  async function upload(file: File | undefined) {
    if (!file) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const row = await uploadEvidence(registrationId, file, indexCode);
      setDone(t('recognition.sheet.uploaded', { name: row.filename }));
      await qc.invalidateQueries({ queryKey: ['recognition', 'evidence', registrationId] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function open(e: Evidence) {
    try {
      downloadBlob(await fetchEvidenceFile(e.id), e.filename);
    } catch (err) {
      setError(err);
    }
  }

  if (!editable && files.length === 0) return null;
  return (
    <div className="recog-evidence">
      {files.length > 0 && (
        <ul className="inline-list recog-files" aria-label={`${t('recognition.sheet.evidence')} ${indexCode}`}>
          {files.map((f) => (
            <li key={f.id}>
              <button type="button" className="button button-quiet button-small" onClick={() => void open(f)} aria-label={t('recognition.sheet.download', { name: f.filename })}>
                {f.filename}
              </button>
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <>
          <label htmlFor={`${id}-file`} className="button button-small recog-file-label" aria-busy={busy}>
            {busy ? t('recognition.sheet.uploading') : t('recognition.sheet.addEvidenceShort')}
            <span className="visually-hidden"> — {t('recognition.sheet.addEvidence', { code: indexCode })}</span>
          </label>
          <input
            id={`${id}-file`}
            className="visually-hidden recog-file"
            type="file"
            accept="image/jpeg,image/png,image/webp,application/pdf"
            aria-describedby={`${id}-hint`}
            disabled={busy}
            onChange={(e) => {
              void upload(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
          <span id={`${id}-hint`} className="visually-hidden">
            {t('recognition.sheet.evidenceHint')}
          </span>
        </>
      )}
      {done && (
        <p className="small recog-uploaded" role="status">
          {done}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} title={t('recognition.sheet.uploadFailed')} />}
    </div>
  );
}
