import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadBlob } from '../api/stats';
import { ErrorMessage } from './Status';

/** Download a CSV made by `fetchCsv` (the API's own CSV, every page) as `filename`. */
export function CsvButton({
  fetchCsv,
  filename,
  disabled = false,
  label,
}: {
  fetchCsv: () => Promise<string>;
  filename: string;
  disabled?: boolean;
  label?: string;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function onClick() {
    setBusy(true);
    setError(null);
    try {
      downloadBlob(await fetchCsv(), filename);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="csv">
      <button type="button" className="button" onClick={() => void onClick()} disabled={disabled || busy} aria-busy={busy}>
        {busy ? t('units.exporting') : (label ?? t('units.exportCsv'))}
      </button>
      {error !== null && <ErrorMessage error={error} title={t('units.exportFailed')} />}
    </div>
  );
}
