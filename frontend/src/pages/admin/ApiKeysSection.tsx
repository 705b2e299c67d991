/**
 * API keys for partner systems and scripts: list, create, revoke. The key itself is in the answer
 * to its creation only: it is shown once, in a dialog with a copy button and a clear warning, and
 * forgotten when the dialog closes (it is kept in no cache).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keysKey, revokeApiKey, useApiKeys, type ApiKey, type ApiKeyCreated } from '../../api/admin';
import { exportCsv } from '../../api/registries';
import { CsvButton } from '../../components/CsvButton';
import { ErrorMessage, Loading } from '../../components/Status';
import { formatDateTime } from '../../lib/format';
import { SecretDialog, KeyForm } from './KeyForm';

function keyState(k: ApiKey): 'revoked' | 'expired' | 'active' {
  if (k.revoked_at) return 'revoked';
  if (k.expires_at && new Date(k.expires_at).getTime() <= Date.now()) return 'expired';
  return 'active';
}

export function ApiKeysSection() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const keys = useApiKeys();
  const rows = keys.data?.pages.flatMap((p) => p.items) ?? [];
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);

  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: keysKey }), qc.invalidateQueries({ queryKey: ['audit'] })]);

  async function revoke(k: ApiKey) {
    setNotice(null);
    setFailure(null);
    setBusy(k.id);
    try {
      await revokeApiKey(k.id);
      setNotice(t('admin.keyRevoked', { name: k.name }));
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
      setConfirming(null);
      await refresh();
    }
  }

  return (
    <div>
      <div className="list-head">
        <p className="count" role="status" aria-live="polite">
          {keys.isSuccess && t('admin.keysCount', { n: rows.length, count: rows.length })}
        </p>
        <div className="list-tools">
          {!creating && (
            <button
              ref={addButton}
              type="button"
              className="button button-primary"
              onClick={() => {
                setNotice(null);
                setCreating(true);
              }}
            >
              + {t('admin.addKey')}
            </button>
          )}
          <CsvButton fetchCsv={() => exportCsv('/api/v1/api-keys', {})} filename="khoa-api.csv" disabled={!keys.isSuccess} />
        </div>
      </div>
      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>
      {failure !== null && <ErrorMessage error={failure} title={t('registries.actionFailed')} />}
      {creating && (
        <section className="panel" aria-label={t('admin.addKey')}>
          <KeyForm
            onCancel={() => setCreating(false)}
            onCreated={async (k) => {
              setCreating(false);
              setCreated(k);
              setNotice(t('admin.keyCreated', { name: k.name }));
              await refresh();
            }}
          />
        </section>
      )}
      <SecretDialog
        created={created}
        onClose={() => {
          setCreated(null);
          requestAnimationFrame(() => addButton.current?.focus());
        }}
      />
      {keys.isPending && <Loading />}
      {keys.isError && <ErrorMessage error={keys.error} onRetry={() => void keys.refetch()} />}
      {keys.isSuccess && rows.length === 0 && <p className="empty">{t('admin.noKeys')}</p>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">{t('admin.apiKeys')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.col.name')}</th>
                <th scope="col" className="hide-narrow">
                  {t('admin.col.prefix')}
                </th>
                <th scope="col">{t('admin.col.role')}</th>
                <th scope="col" className="hide-narrow">
                  {t('admin.col.unit')}
                </th>
                <th scope="col">{t('admin.col.status')}</th>
                <th scope="col" className="hide-narrow">
                  {t('admin.col.expires')}
                </th>
                <th scope="col" className="hide-narrow">
                  {t('admin.col.lastUsed')}
                </th>
                <th scope="col">
                  <span className="visually-hidden">{t('registries.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((k) => {
                const state = keyState(k);
                return (
                  <tr key={k.id} className={state === 'active' ? undefined : 'inactive'}>
                    <td className="title-col">
                      {k.name}
                      {k.partner && <span className="sub muted small mono">{k.partner}</span>}
                    </td>
                    <td className="mono hide-narrow">khk_{k.prefix}_…</td>
                    <td className="nowrap">{t(`roles.${k.role}`)}</td>
                    <td className="hide-narrow mono">{k.unit_code ?? t('header.wholeCountry')}</td>
                    <td className="nowrap">
                      <span className={state === 'active' ? 'badge badge-met' : 'badge badge-behind'}>
                        {state === 'active' ? t('admin.active') : state === 'revoked' ? t('admin.revoked') : t('admin.expired')}
                      </span>
                      {k.revoked_at && <span className="sub muted small">{formatDateTime(k.revoked_at)}</span>}
                    </td>
                    <td className="hide-narrow">{k.expires_at ? formatDateTime(k.expires_at) : t('admin.noExpiry')}</td>
                    <td className="hide-narrow">{k.last_used_at ? formatDateTime(k.last_used_at) : t('admin.never')}</td>
                    <td className="actions-col">
                      {state === 'revoked' ? null : confirming === k.id ? (
                        <span className="confirm" role="group" aria-label={t('admin.confirmRevoke', { name: k.name })}>
                          <span className="confirm-text">{t('admin.confirmRevoke', { name: k.name })}</span>
                          <button type="button" className="button button-danger" disabled={busy === k.id} onClick={() => void revoke(k)}>
                            {t('admin.revoke')}
                          </button>
                          <button type="button" className="button" autoFocus onClick={() => setConfirming(null)}>
                            {t('registries.form.cancel')}
                          </button>
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="button button-small button-quiet-danger"
                          aria-label={t('admin.revokeNamed', { name: k.name })}
                          onClick={() => setConfirming(k.id)}
                        >
                          {t('admin.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {keys.hasNextPage && (
        <p className="more">
          <button type="button" className="button" onClick={() => void keys.fetchNextPage()}>
            {t('units.more')}
          </button>
        </p>
      )}
    </div>
  );
}

