/**
 * Parts of the fund entry form (FundEntryForm): the choice of movement, and the alert of a refused
 * entry (an overdraft says the fund's balance).
 */
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/problem';
import { useErrorLines } from '../../components/Status';
import { tx } from '../../i18n/loose';
import { formatVnd } from '../../lib/format';
import { ENTRY_KINDS, type EntryKind } from './FundEntryForm';

export function balanceOf(e: unknown): number | null {
  if (!(e instanceof ApiError) || !e.problem) return null;
  const v = (e.problem as Record<string, unknown>).balance_vnd;
  return typeof v === 'number' ? v : null;
}

/** The kind of movement, as a segmented choice (each radio covers its label: styles.css). */
export function EntryKinds({ name, value, onChange }: { name: string; value: EntryKind; onChange: (k: EntryKind) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="segmented entry-kinds">
      <legend>{t('funds.entry.kind')}</legend>
      {ENTRY_KINDS.map((k) => (
        <label key={k} className={value === k ? 'checked' : undefined}>
          <input type="radio" name={name} value={k} checked={value === k} onChange={() => onChange(k)} />
          {tx(t, `funds.kinds.${k}`)}
        </label>
      ))}
    </fieldset>
  );
}

export function EntryFailure({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const lines = useErrorLines(error);
  const balance = balanceOf(error);
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">{balance !== null ? t('funds.entry.overdraft') : t('funds.entry.failed')}</p>
      <p>{lines[0]}</p>
      {balance !== null && <p>{t('funds.entry.balanceNow', { balance: formatVnd(balance) })}</p>}
      {lines.length > 1 && (
        <ul>
          {lines.slice(1).map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
