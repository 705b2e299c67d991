/**
 * Chờ thẩm định: the scored sheets of the filtered set, for the level above to verify or return
 * with a reason (the API refuses one's own sheets), one by one or the whole filtered set at once.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { allIds, bulkVerify, useAfterRecognitionChange, useRegistrations, verifyOne, type RegFilters, type Registration } from '../../api/recognition';
import { useAuth } from '../../auth/AuthProvider';
import { Pager, useCursorPages } from '../../components/Pager';
import { ErrorMessage, Loading } from '../../components/Status';
import { formatInteger } from '../../lib/format';
import { canWriteRegistries } from '../registries/RegistryTab';
import { ResultTag, sheetHref, titleLabel } from './parts';
import { ReturnForm } from './ReturnForm';

export function InboxTab({ filters: base, search }: { filters: RegFilters; search: string }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const canWrite = canWriteRegistries(me);
  const filters: RegFilters = { ...base, status: 'scored' };
  const pages = useCursorPages(JSON.stringify(filters));
  const list = useRegistrations(filters, pages.cursor);
  const after = useAfterRecognitionChange();
  const [returning, setReturning] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const items = list.data?.items ?? [];
  const sheetSearch = new URLSearchParams(search);
  sheetSearch.set('status', 'scored');

  async function act(work: () => Promise<string>) {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      setMessage(await work());
      await after();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const verify = (r: Registration) =>
    act(async () => {
      await verifyOne(r.id, true);
      return t('recognition.inbox.verified', { name: r.name });
    });

  const giveBack = (r: Registration, reason: string) =>
    act(async () => {
      await verifyOne(r.id, false, reason);
      setReturning(null);
      return t('recognition.inbox.returned', { name: r.name });
    });

  function bulk() {
    if (!filters.title) return;
    const title = t(`recognition.titles.${filters.title}`);
    if (!window.confirm(t('recognition.inbox.bulkConfirm', { title, year: filters.year }))) return;
    void act(async () => {
      // A village is no part of the API's selection: the filtered set is then sent by its ids.
      const ids = filters.village ? await allIds(filters) : null;
      const out = await bulkVerify(filters, ids, true);
      return t('recognition.inbox.bulkDone', { done: out.done, skipped: out.skipped });
    });
  }

  return (
    <div>
      <p className="muted small tab-intro">{t('recognition.inbox.intro')}</p>
      {canWrite && (
        <div className="list-tools recog-bulk">
          <button type="button" className="button" disabled={!filters.title || busy || items.length === 0} onClick={bulk}>
            {t('recognition.inbox.bulk')}
          </button>
          {!filters.title && <span className="muted small">{t('recognition.inbox.bulkNeedsTitle')}</span>}
        </div>
      )}
      <p role="status" className="recog-message">
        {message}
      </p>
      {error !== null && <ErrorMessage error={error} />}
      {list.isPending && <Loading />}
      {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && items.length === 0 && <p className="empty">{t('recognition.inbox.none')}</p>}
      {items.length > 0 && (
        <ul className="recog-cards" aria-label={t('recognition.tabs.inbox')}>
          {items.map((r) => (
            <li key={r.id} className="recog-card">
              <div className="recog-card-head">
                <Link to={sheetHref(r.id, sheetSearch.toString())} className="row-title">
                  {r.name}
                </Link>
                <span className="muted small">{[r.village, titleLabel(t, r)].filter(Boolean).join(' · ')}</span>
              </div>
              <div className="recog-card-score">
                <strong>{r.total === null ? '—' : formatInteger(r.total)}</strong> <ResultTag reg={r} />
              </div>
              {canWrite && returning !== r.id && (
                <div className="inline-actions">
                  <button type="button" className="button button-primary" disabled={busy} onClick={() => void verify(r)} aria-label={t('recognition.inbox.verifyNamed', { name: r.name })}>
                    {t('recognition.inbox.verify')}
                  </button>
                  <button type="button" className="button" disabled={busy} onClick={() => setReturning(r.id)} aria-label={t('recognition.inbox.returnNamed', { name: r.name })}>
                    {t('recognition.inbox.return')}
                  </button>
                </div>
              )}
              {returning === r.id && <ReturnForm busy={busy} onCancel={() => setReturning(null)} onSubmit={(reason) => void giveBack(r, reason)} />}
            </li>
          ))}
        </ul>
      )}
      <Pager label={t('recognition.tabs.inbox')} page={pages.page} nextCursor={list.data?.next_cursor} busy={list.isFetching} onPrev={pages.prev} onNext={pages.next} />
    </div>
  );
}
