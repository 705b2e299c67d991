/**
 * Dữ liệu mở of a unit's year: whether it is published (with the date and the public page), and for
 * admins (scope reports:publish; the API checks the unit is theirs or under it) «Công bố» after a
 * confirmation, «Thu hồi công bố» with a reason kept in the audit trail. Shown where an approved report
 * backs the year (`approved`), or wherever the year is already published (so it can be withdrawn).
 */
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { findPublication, usePublications, usePublishMutations } from '../../api/publications';
import { useAuth, type Me } from '../../auth/AuthProvider';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/Status';
import { formatDate } from '../../lib/format';

export function canPublish(me: Me | undefined): boolean {
  return me?.role === 'admin' && (me.scopes ?? []).includes('reports:publish');
}

export function PublishPanel({ unit, year, name, approved }: { unit: string; year: number; name: string; approved: boolean }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const id = useId();
  const list = usePublications();
  const { publish, unpublish } = usePublishMutations(unit, year);
  const [asking, setAsking] = useState<'publish' | 'unpublish' | null>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const admin = canPublish(me);
  const pub = findPublication(list.data, unit, year);

  if (!list.isSuccess || (!pub && !approved)) return null;

  function close() {
    setAsking(null);
    setReason('');
    setReasonError(false);
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      if (asking === 'unpublish') {
        if (!reason.trim()) {
          setReasonError(true);
          return;
        }
        await unpublish.mutateAsync(reason.trim());
        setNotice(t('publish.withdrawn', { year }));
      } else {
        await publish.mutateAsync();
        setNotice(t('publish.done', { year }));
      }
    } catch (err) {
      setError(err);
    }
    close();
  }

  const busy = publish.isPending || unpublish.isPending;
  return (
    <section aria-labelledby={`${id}-title`} className="publish-panel no-print" data-testid="publish-panel">
      <h2 id={`${id}-title`}>{t('publish.title')}</h2>
      {pub ? (
        <p>
          {t('publish.published', { date: formatDate(pub.published_at) })}{' '}
          <Link to={`/cong-khai/${encodeURIComponent(unit)}/${year}`}>{t('publish.link')} →</Link>
        </p>
      ) : (
        <p className="muted">{t('publish.notPublished', { year })}</p>
      )}
      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>
      {error !== null && <ErrorMessage error={error} title={t('publish.failed')} />}
      {admin && (
        <div className="form-actions form-actions-inline">
          {pub ? (
            <button type="button" className="button" disabled={busy} onClick={() => setAsking('unpublish')}>
              {t('publish.unpublish')}
            </button>
          ) : (
            <button type="button" className="button button-primary" disabled={busy} onClick={() => setAsking('publish')}>
              {t('publish.publish')}
            </button>
          )}
        </div>
      )}
      <Dialog
        open={asking !== null}
        title={t(asking === 'unpublish' ? 'publish.unpublishTitle' : 'publish.confirmTitle', { year, name })}
        labelledBy={`${id}-dialog`}
        onClose={close}
      >
        <form onSubmit={(e) => void confirm(e)} noValidate>
          <p>{t(asking === 'unpublish' ? 'publish.unpublishBody' : 'publish.confirmBody', { year })}</p>
          {asking === 'unpublish' && (
            <label className="field">
              <span>{t('publish.reason')}</span>
              <input
                type="text"
                maxLength={500}
                value={reason}
                aria-invalid={reasonError}
                aria-describedby={reasonError ? `${id}-reason-error` : undefined}
                onChange={(e) => {
                  setReason(e.target.value);
                  setReasonError(false);
                }}
              />
            </label>
          )}
          {asking === 'unpublish' && reasonError && (
            <p id={`${id}-reason-error`} className="field-error">
              {t('publish.reasonMissing')}
            </p>
          )}
          <div className="form-actions form-actions-inline">
            <button type="button" className="button" onClick={close}>
              {t('publish.cancel')}
            </button>
            <button type="submit" className="button button-primary" disabled={busy}>
              {t(asking === 'unpublish' ? 'publish.unpublish' : 'publish.publish')}
            </button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
