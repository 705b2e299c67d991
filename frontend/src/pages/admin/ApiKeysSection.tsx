/**
 * API keys for partner systems and scripts: list, create, revoke. The key itself is in the answer
 * to its creation only: it is shown once, in a dialog with a copy button and a clear warning, and
 * forgotten when the dialog closes (it is kept in no cache).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { createApiKey, keysKey, revokeApiKey, useApiKeys, type ApiKey, type ApiKeyCreate, type ApiKeyCreated, type Role } from '../../api/admin';
import { problemFieldErrors } from '../../api/problem';
import { exportCsv } from '../../api/registries';
import { CsvButton } from '../../components/CsvButton';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage, Loading, useErrorLines } from '../../components/Status';
import { unitAsOf, useUnitLookup } from '../../components/UnitName';
import { formatDateTime } from '../../lib/format';
import { RoleField, ScopesField, scopesFor, UnitField } from './AccessFields';
import { useUnsavedGuard } from '../../lib/useUnsavedGuard';

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

/** The new key, once. */
export function SecretDialog({ created, onClose }: { created: ApiKeyCreated | null; onClose: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    setCopied(null);
    if (created) requestAnimationFrame(() => input.current?.select());
  }, [created]);

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('no');
    }
  }

  return (
    <Dialog
      open={created !== null}
      title={t('admin.secretTitle')}
      onClose={onClose}
      labelledBy={`${id}-title`}
      // The secret is shown once only: a stray Escape must not lose it.
      onEscape={() => {
        if (copied === 'yes' || window.confirm(t('admin.secretCloseConfirm'))) onClose();
      }}
    >
      {created && (
        <div className="secret">
          <div className="alert alert-warning" role="note">
            <p className="alert-title">{t('admin.secretWarnTitle')}</p>
            <p>{t('admin.secretWarn')}</p>
          </div>
          <p>{t('admin.secretFor', { name: created.name, role: t(`roles.${created.role}`) })}</p>
          <div className="field">
            <label htmlFor={`${id}-secret`}>{t('admin.secretLabel')}</label>
            <textarea
              id={`${id}-secret`}
              ref={input}
              className="mono secret-value"
              readOnly
              rows={2}
              spellCheck={false}
              value={created.secret}
              onFocus={(e) => e.target.select()}
            />
          </div>
          <p className="notice" role="status" aria-live="polite">
            {copied === 'yes' ? t('admin.copied') : copied === 'no' ? t('admin.copyManually') : null}
          </p>
          <div className="form-actions form-actions-inline">
            <button type="button" className="button button-primary" onClick={() => void copy()}>
              {t('admin.copy')}
            </button>
            <button type="button" className="button" onClick={onClose}>
              {t('admin.secretDone')}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

function KeyForm({ onCreated, onCancel }: { onCreated: (k: ApiKeyCreated) => void | Promise<void>; onCancel: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState('');
  const [partner, setPartner] = useState('');
  const [role, setRole] = useState<Role>('partner');
  const [scopes, setScopes] = useState<string[]>([]);
  const [unit, setUnit] = useState('');
  const [expires, setExpires] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useUnsavedGuard(!busy && (name !== '' || partner !== '' || unit !== '' || expires !== ''));
  const heading = useRef<HTMLHeadingElement>(null);
  const lookup = useUnitLookup(unit.trim() || null);
  const lines = useErrorLines(failure);

  useEffect(() => heading.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setErrors({});
    setFailure(null);
    const local: Record<string, string[]> = {};
    if (!name.trim()) local.name = [t('registries.form.required')];
    if (partner && !/^[a-z0-9][a-z0-9-]{1,62}$/.test(partner)) local.partner = [t('admin.partnerRule')];
    if (unit.trim() && !/^\d{2,5}$/.test(unit.trim())) local.unit_code = [t('reports.open.invalidCode')];
    if (Object.keys(local).length) {
      setErrors(local);
      setFailure(new Error(t('registries.form.localErrors')));
      return;
    }
    const body: ApiKeyCreate = {
      name: name.trim(),
      partner: partner || null,
      role,
      scopes,
      unit_code: unit.trim() || null,
      // The end of the chosen day in Vietnam.
      expires_at: expires ? `${expires}T23:59:59+07:00` : null,
    };
    const asOf = unitAsOf(lookup.data);
    if (asOf) body.unit_as_of = asOf;
    setBusy(true);
    try {
      await onCreated(await createApiKey(body));
    } catch (err) {
      setErrors(problemFieldErrors(err).fields);
      setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  const aria = (n: string, hint?: string) => ({
    'aria-invalid': errors[n] ? true : undefined,
    'aria-describedby': [hint, errors[n] ? `${id}-${n}-error` : ''].filter(Boolean).join(' ') || undefined,
  });
  const err = (n: string) =>
    errors[n] ? (
      <p id={`${id}-${n}-error`} className="field-error">
        {errors[n].join(' · ')}
      </p>
    ) : null;

  return (
    <form className="record-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1} className="record-form-title">
        {t('admin.addKey')}
      </h3>
      {failure !== null && (
        <div className="alert alert-error" role="alert">
          <p className="alert-title">{t('admin.keyFailed')}</p>
          <p>{lines[0]}</p>
          {lines.length > 1 && (
            <ul>
              {lines.slice(1).map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="field-grid record-grid">
        <div className={errors.name ? 'field field-wide has-error' : 'field field-wide'}>
          <label htmlFor={`${id}-name`}>{t('admin.keyName')}</label>
          <input id={`${id}-name`} value={name} maxLength={200} {...aria('name', `${id}-name-hint`)} onChange={(e) => setName(e.target.value)} />
          <span id={`${id}-name-hint`} className="hint">
            {t('admin.keyNameHint')}
          </span>
          {err('name')}
        </div>
        <div className={errors.partner ? 'field has-error' : 'field'}>
          <label htmlFor={`${id}-partner`}>{t('admin.partner')}</label>
          <input
            id={`${id}-partner`}
            value={partner}
            maxLength={63}
            autoComplete="off"
            {...aria('partner', `${id}-partner-hint`)}
            onChange={(e) => setPartner(e.target.value)}
          />
          <span id={`${id}-partner-hint`} className="hint">
            {t('admin.partnerHint')}
          </span>
          {err('partner')}
        </div>
        <RoleField
          id={`${id}-role`}
          value={role}
          onChange={(r) => {
            setRole(r);
            setScopes((s) => scopesFor(r, s));
          }}
        />
        <UnitField id={`${id}-unit`} value={unit} onChange={setUnit} errors={errors.unit_code} />
        <div className={errors.expires_at ? 'field has-error' : 'field'}>
          <label htmlFor={`${id}-expires`}>{t('admin.expiresOn')}</label>
          <input id={`${id}-expires`} type="date" value={expires} {...aria('expires_at', `${id}-expires-hint`)} onChange={(e) => setExpires(e.target.value)} />
          <span id={`${id}-expires-hint`} className="hint">
            {t('admin.expiresHint')}
          </span>
          {err('expires_at')}
        </div>
        <ScopesField id={`${id}-scopes`} role={role} value={scopes} onChange={setScopes} errors={errors.scopes} />
      </div>
      <div className="form-actions form-actions-inline">
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          {busy ? t('admin.creatingKey') : t('admin.createKey')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('registries.form.cancel')}
        </button>
      </div>
    </form>
  );
}
