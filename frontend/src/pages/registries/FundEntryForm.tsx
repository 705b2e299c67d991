/**
 * A movement of money in a fund's ledger: a contribution (in), a disbursement (out), a transfer
 * to another fund, or the reversal of an earlier entry. Entries are never changed: a mistake is
 * undone with a reversal. When a movement would overdraw a fund the API answers 409 with the
 * balance, and this form says so at the amount and in an alert.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, problemFieldErrors } from '../../api/problem';
import { postEntry, useFundChoices, type Fund, type FundEntry, type FundEntryIn } from '../../api/registries';
import { tx } from '../../i18n/loose';
import { formatDate, formatInteger, formatSignedVnd, formatVnd, formatVndShort, parseInteger, todayIso } from '../../lib/format';
import { FieldError, useFormState } from '../../lib/useFormState';
import { balanceOf, EntryFailure, EntryKinds } from './FundEntryParts';

export type EntryKind = FundEntryIn['kind'];
export const ENTRY_KINDS: readonly EntryKind[] = ['contribution', 'disbursement', 'transfer', 'reversal'];

/** Entries a reversal may undo: contributions and disbursements not undone yet. */
export function reversible(entries: readonly FundEntry[]): FundEntry[] {
  const undone = new Set(entries.map((e) => e.reverses_entry_id).filter((id): id is number => id !== null));
  return entries.filter((e) => (e.kind === 'contribution' || e.kind === 'disbursement') && !undone.has(e.id));
}

type Errors = Partial<Record<'amount_vnd' | 'to_fund_id' | 'reverses_entry_id' | 'occurred_on' | 'description', string[]>>;

export function FundEntryForm({
  fund,
  entries,
  reverse,
  onPosted,
}: {
  fund: Fund;
  /** The ledger as loaded (for the entries a reversal can undo). */
  entries: readonly FundEntry[];
  /** Start on a reversal of this entry (a ledger row's "reverse" button). */
  reverse?: { id: number; nonce: number } | null;
  onPosted: (entry: FundEntry) => void | Promise<void>;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<EntryKind>('contribution');
  const [amount, setAmount] = useState('');
  const [date, setDate] = useState(todayIso());
  const [description, setDescription] = useState('');
  const [toFund, setToFund] = useState('');
  const [reverses, setReverses] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const form = useFormState(amount !== '' || description !== '' || toFund !== '' || reverses !== '');
  const { id, busy, failure, reset } = form;
  const errors: Errors = form.errors;
  const choices = useFundChoices(undefined, kind === 'transfer');
  const targets = (choices.data?.items ?? []).filter((f) => f.id !== fund.id && !f.closed_on);
  const undoable = reversible(entries);

  useEffect(() => {
    if (!reverse) return;
    setKind('reversal');
    setReverses(String(reverse.id));
    reset();
  }, [reverse, reset]);

  const n = parseInteger(amount);
  const reading = typeof n === 'number' && !Number.isNaN(n) && n >= 1000 ? formatVndShort(n) : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    reset();
    setNotice(null);
    const local: Errors = {};
    const body: FundEntryIn = { kind, description: description.trim(), occurred_on: date || null };
    if (kind === 'reversal') {
      if (!reverses) local.reverses_entry_id = [t('funds.entry.chooseEntry')];
      else body.reverses_entry_id = Number(reverses);
    } else {
      if (n === null) local.amount_vnd = [t('funds.entry.amountRequired')];
      else if (Number.isNaN(n) || n <= 0) local.amount_vnd = [t('funds.entry.amountInvalid')];
      else body.amount_vnd = n;
      if (kind === 'transfer') {
        if (!toFund) local.to_fund_id = [t('funds.entry.chooseFund')];
        else body.to_fund_id = Number(toFund);
      }
    }
    if (Object.keys(local).length) {
      form.setErrors(local);
      return;
    }
    await form.run(async () => {
      const entry = await postEntry(fund.id, body);
      setNotice(
        t('funds.entry.posted', {
          id: entry.id,
          kind: tx(t, `funds.kinds.${entry.kind}`, { defaultValue: entry.kind }),
          amount: formatSignedVnd(entry.amount_vnd),
        }),
      );
      setAmount('');
      setDescription('');
      setReverses('');
      await onPosted(entry);
    }, (err) => {
      const fields: Errors = problemFieldErrors(err, {
        names: ['amount_vnd', 'to_fund_id', 'reverses_entry_id', 'occurred_on', 'description'],
      }).fields;
      // Overdraft: the refusal is about the amount.
      if (err instanceof ApiError && err.status === 409 && balanceOf(err) !== null && kind !== 'reversal') {
        fields.amount_vnd = [t('funds.entry.overdraftField', { balance: formatVnd(balanceOf(err)) })];
      }
      return fields;
    });
  }

  const field = (name: keyof Errors) => (errors[name]?.length ? 'field has-error' : 'field');
  const describe = (name: keyof Errors, ...more: string[]) => form.aria(name, ...more)['aria-describedby'];
  const errorText = (name: keyof Errors) => <FieldError form={form} name={name} />;

  return (
    <form className="entry-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={`${id}-title`}>{t('funds.entry.title')}</h3>
      <p className="muted small">{t('funds.entry.intro', { balance: formatVnd(fund.balance_vnd) })}</p>

      <EntryKinds
        name={`${id}-kind`}
        value={kind}
        onChange={(k) => {
          setKind(k);
          reset();
        }}
      />

      <div ref={form.summaryRef} tabIndex={-1} className="summary-anchor">
        {failure !== null && <EntryFailure error={failure} />}
      </div>
      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>

      <div className="field-grid record-grid">
        {kind === 'reversal' ? (
          <div className={`${field('reverses_entry_id')} field-wide`}>
            <label htmlFor={`${id}-reverses`}>{t('funds.entry.reverses')}</label>
            <select
              id={`${id}-reverses`}
              value={reverses}
              aria-invalid={errors.reverses_entry_id ? true : undefined}
              aria-describedby={describe('reverses_entry_id', `${id}-reverses-hint`)}
              onChange={(e) => setReverses(e.target.value)}
            >
              <option value="">{t('registries.choose')}</option>
              {undoable.map((en) => (
                <option key={en.id} value={String(en.id)}>
                  #{en.id} · {formatDate(en.occurred_on)} · {formatSignedVnd(en.amount_vnd)}
                  {en.description ? ` · ${en.description}` : ''}
                </option>
              ))}
            </select>
            <span id={`${id}-reverses-hint`} className="hint">
              {t('funds.entry.reversesHint')}
            </span>
            {errorText('reverses_entry_id')}
          </div>
        ) : (
          <div className={field('amount_vnd')}>
            <label htmlFor={`${id}-amount`}>{t('funds.entry.amount')}</label>
            <input
              id={`${id}-amount`}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              className="num-input"
              value={amount}
              aria-invalid={errors.amount_vnd ? true : undefined}
              aria-describedby={describe('amount_vnd', reading ? `${id}-amount-reading` : '')}
              onChange={(e) => setAmount(e.target.value)}
              onBlur={() => {
                if (typeof n === 'number' && !Number.isNaN(n)) setAmount(formatInteger(n));
              }}
            />
            {reading && (
              <span id={`${id}-amount-reading`} className="hint">
                {reading}
              </span>
            )}
            {errorText('amount_vnd')}
          </div>
        )}
        {kind === 'transfer' && (
          <div className={field('to_fund_id')}>
            <label htmlFor={`${id}-to`}>{t('funds.entry.toFund')}</label>
            <select
              id={`${id}-to`}
              value={toFund}
              aria-invalid={errors.to_fund_id ? true : undefined}
              aria-describedby={describe('to_fund_id')}
              aria-busy={choices.isFetching}
              onChange={(e) => setToFund(e.target.value)}
            >
              <option value="">{t('registries.choose')}</option>
              {targets.map((f) => (
                <option key={f.id} value={String(f.id)}>
                  {f.name} ({f.unit_code})
                </option>
              ))}
            </select>
            {errorText('to_fund_id')}
          </div>
        )}
        <div className={field('occurred_on')}>
          <label htmlFor={`${id}-date`}>{t('funds.entry.date')}</label>
          <input
            id={`${id}-date`}
            type="date"
            value={date}
            aria-invalid={errors.occurred_on ? true : undefined}
            aria-describedby={describe('occurred_on')}
            onChange={(e) => setDate(e.target.value)}
          />
          {errorText('occurred_on')}
        </div>
        <div className={`${field('description')} field-wide`}>
          <label htmlFor={`${id}-desc`}>{t('funds.entry.description')}</label>
          <input
            id={`${id}-desc`}
            type="text"
            maxLength={2000}
            value={description}
            aria-describedby={describe('description')}
            onChange={(e) => setDescription(e.target.value)}
          />
          {errorText('description')}
        </div>
      </div>
      <div className="form-actions form-actions-inline">
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          {busy ? t('funds.entry.posting') : t('funds.entry.submit')}
        </button>
      </div>
    </form>
  );
}
