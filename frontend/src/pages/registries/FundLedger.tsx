/**
 * One fund: its balance, its ledger oldest first with the running balance after each entry, the
 * form to record a movement, and the ledger as CSV.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { exportCsv, fetchEntries, useAfterChange, useFund, type FundEntry } from '../../api/registries';
import { useAuth } from '../../auth/AuthProvider';
import { CsvButton } from '../../components/CsvButton';
import { ErrorMessage, Loading } from '../../components/Status';
import { UnitName } from '../../components/UnitName';
import { tx } from '../../i18n/loose';
import { formatDate, formatVnd, MISSING } from '../../lib/format';
import { FundEntryForm, reversible } from './FundEntryForm';
import { canWriteRegistries } from './RegistryTab';

/** Each entry with the balance after it (the entries in ledger order, from the first). */
export function withRunningBalance(entries: readonly FundEntry[]): { entry: FundEntry; balance: number }[] {
  let balance = 0;
  return entries.map((entry) => {
    balance += entry.amount_vnd;
    return { entry, balance };
  });
}

export function FundLedger({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const canWrite = canWriteRegistries(me);
  const fund = useFund(id);
  const afterChange = useAfterChange();
  const entries = useInfiniteQuery({
    queryKey: ['funds', 'entries', id],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => fetchEntries(id, pageParam, signal),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [reverse, setReverse] = useState<{ id: number; nonce: number } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const formRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, [id]);

  const rows = withRunningBalance(entries.data?.pages.flatMap((p) => p.items) ?? []);
  const undoable = new Set(reversible(rows.map((r) => r.entry)).map((e) => e.id));
  const name = fund.data?.name ?? `#${id}`;

  return (
    <section className="panel detail-panel" aria-labelledby={`fund-${id}-title`}>
      <div className="panel-head">
        <h3 id={`fund-${id}-title`} ref={heading} tabIndex={-1}>
          {t('funds.ledgerTitle', { name })}
        </h3>
        <button type="button" className="button" onClick={onClose}>
          {t('registries.close')}
        </button>
      </div>
      {fund.isError && <ErrorMessage error={fund.error} onRetry={() => void fund.refetch()} />}
      {fund.data && (
        <dl className="facts">
          <div>
            <dt>{t('registries.f.balance_vnd')}</dt>
            <dd className="big-number">{formatVnd(fund.data.balance_vnd)}</dd>
          </div>
          <div>
            <dt>{t('registries.f.unit_code')}</dt>
            <dd>
              <UnitName code={fund.data.unit_code} />
            </dd>
          </div>
          <div>
            <dt>{t('registries.f.owner_kind')}</dt>
            <dd>{tx(t, `registries.enum.ownerKind.${fund.data.owner_kind}`)}</dd>
          </div>
        </dl>
      )}

      <div className="list-head">
        <h4 className="list-title">{t('funds.ledger')}</h4>
        <CsvButton
          fetchCsv={() => exportCsv(`/api/v1/funds/${id}/entries`, {})}
          filename={`so-quy-${id}.csv`}
          disabled={!entries.isSuccess || rows.length === 0}
        />
      </div>
      {entries.isPending && <Loading />}
      {entries.isError && <ErrorMessage error={entries.error} onRetry={() => void entries.refetch()} />}
      {entries.isSuccess && rows.length === 0 && <p className="empty">{t('funds.noEntries')}</p>}
      {rows.length > 0 && (
        <div className="table-wrap" aria-busy={entries.isFetching}>
          <table className="data ledger">
            <caption className="visually-hidden">{t('funds.ledgerCaption', { name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('funds.col.date')}</th>
                <th scope="col" className="hide-narrow">
                  {t('funds.col.number')}
                </th>
                <th scope="col">{t('funds.col.kind')}</th>
                <th scope="col" className="hide-narrow">
                  {t('funds.col.description')}
                </th>
                <th scope="col" className="num">
                  {t('funds.col.in')}
                </th>
                <th scope="col" className="num">
                  {t('funds.col.out')}
                </th>
                <th scope="col" className="num">
                  {t('funds.col.balance')}
                </th>
                {canWrite && (
                  <th scope="col">
                    <span className="visually-hidden">{t('registries.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map(({ entry, balance }) => (
                <tr key={entry.id}>
                  <td className="nowrap">{formatDate(entry.occurred_on)}</td>
                  <td className="mono hide-narrow">#{entry.id}</td>
                  <td>
                    {tx(t, `funds.kinds.${entry.kind}`, { defaultValue: entry.kind })}
                    {entry.reverses_entry_id !== null && <span className="muted small"> (#{entry.reverses_entry_id})</span>}
                    {entry.counterpart_fund_id !== null && (
                      <span className="muted small"> · {t('funds.counterpart', { id: entry.counterpart_fund_id })}</span>
                    )}
                  </td>
                  <td className="hide-narrow">{entry.description || MISSING}</td>
                  <td className="num nowrap amount-in">{entry.amount_vnd > 0 ? formatVnd(entry.amount_vnd) : ''}</td>
                  <td className="num nowrap amount-out">{entry.amount_vnd < 0 ? formatVnd(-entry.amount_vnd) : ''}</td>
                  <td className="num nowrap">{formatVnd(balance)}</td>
                  {canWrite && (
                    <td>
                      {undoable.has(entry.id) && (
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={t('funds.reverseNamed', { id: entry.id })}
                          onClick={() => {
                            setReverse({ id: entry.id, nonce: Date.now() });
                            formRef.current?.scrollIntoView({ block: 'start' });
                          }}
                        >
                          {t('funds.reverse')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {entries.hasNextPage && (
        <p className="more">
          <button type="button" className="button" onClick={() => void entries.fetchNextPage()} disabled={entries.isFetchingNextPage}>
            {entries.isFetchingNextPage ? t('units.loadingMore') : t('units.more')}
          </button>
        </p>
      )}

      {canWrite && fund.data && !fund.data.closed_on && (
        <div ref={formRef} className="entry-box">
          <FundEntryForm
            fund={fund.data}
            entries={rows.map((r) => r.entry)}
            reverse={reverse}
            onPosted={() => afterChange('funds')}
          />
        </div>
      )}
      {fund.data?.closed_on && <p className="note">{t('funds.closed', { date: formatDate(fund.data.closed_on) })}</p>}
    </section>
  );
}
