/**
 * Webhooks: the endpoints that receive the change feed as signed POSTs (docs/partners.md, section 5). An admin
 * registers one for a partner's key; the signing secret is shown once, with a copy button and a warning. Each
 * endpoint can be paused and resumed; its delivery log shows each delivery's state, last response code and
 * attempts, with a manual redelivery; an endpoint the platform turned off after repeated failures says so.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiKeys } from '../../api/admin';
import { problemFieldErrors } from '../../api/problem';
import {
  createWebhook,
  parseTypes,
  redeliver,
  setWebhookEnabled,
  useDeliveries,
  useWebhooks,
  webhookState,
  webhooksKey,
  type Webhook,
  type WebhookCreated,
} from '../../api/webhooks';
import { ErrorMessage, Loading } from '../../components/Status';
import { formatDateTime } from '../../lib/format';
import { FieldError, useFormState } from '../../lib/useFormState';
import { SecretDialog } from './KeyForm';

function WebhookForm({ onCreated, onCancel }: { onCreated: (w: WebhookCreated) => void | Promise<void>; onCancel: () => void }) {
  const { t } = useTranslation();
  const keys = useApiKeys();
  const candidates = (keys.data?.pages.flatMap((p) => p.items) ?? []).filter(
    (k) => !k.revoked_at && (k.role === 'partner' || k.role === 'admin'),
  );
  const [url, setUrl] = useState('https://');
  const [keyId, setKeyId] = useState('');
  const [types, setTypes] = useState('');
  const [description, setDescription] = useState('');
  const form = useFormState(url !== 'https://' || keyId !== '' || types !== '' || description !== '');
  const { id, errors, failure, busy, aria } = form;
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    form.reset();
    const local: Record<string, string[]> = {};
    if (!/^https?:\/\/\S+$/.test(url.trim())) local.url = [t('admin.webhooks.urlRule')];
    if (!keyId) local.api_key_id = [t('registries.form.required')];
    if (Object.keys(local).length) {
      form.fail(new Error(t('registries.form.localErrors')), local);
      return;
    }
    const chosen = parseTypes(types);
    await form.run(
      async () =>
        onCreated(
          await createWebhook({
            url: url.trim(),
            api_key_id: Number(keyId),
            types: chosen.length ? chosen : null,
            description: description.trim(),
          }),
        ),
      (err) => problemFieldErrors(err).fields,
    );
  }

  const err = (n: string) => <FieldError form={form} name={n} />;

  return (
    <form className="record-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1} className="record-form-title">
        {t('admin.webhooks.add')}
      </h3>
      <div ref={form.summaryRef} tabIndex={-1} className="summary-anchor">
        {failure !== null && <ErrorMessage error={failure} title={t('admin.webhooks.failed')} />}
      </div>
      <div className="field-grid record-grid">
        <div className={errors.url ? 'field field-wide has-error' : 'field field-wide'}>
          <label htmlFor={`${id}-url`}>{t('admin.webhooks.url')}</label>
          <input
            id={`${id}-url`}
            type="url"
            value={url}
            maxLength={2000}
            autoComplete="off"
            {...aria('url', `${id}-url-hint`)}
            onChange={(e) => setUrl(e.target.value)}
          />
          <span id={`${id}-url-hint`} className="hint">
            {t('admin.webhooks.urlHint')}
          </span>
          {err('url')}
        </div>
        <div className={errors.api_key_id ? 'field has-error' : 'field'}>
          <label htmlFor={`${id}-key`}>{t('admin.webhooks.key')}</label>
          <select id={`${id}-key`} value={keyId} {...aria('api_key_id', `${id}-key-hint`)} onChange={(e) => setKeyId(e.target.value)}>
            <option value="">{t('admin.webhooks.chooseKey')}</option>
            {candidates.map((k) => (
              <option key={k.id} value={String(k.id)}>
                {k.name}
                {k.partner ? ` (${k.partner})` : ''}
              </option>
            ))}
          </select>
          <span id={`${id}-key-hint`} className="hint">
            {t('admin.webhooks.keyHint')}
          </span>
          {err('api_key_id')}
        </div>
        <div className={errors.types ? 'field has-error' : 'field'}>
          <label htmlFor={`${id}-types`}>{t('admin.webhooks.types')}</label>
          <input id={`${id}-types`} value={types} autoComplete="off" {...aria('types', `${id}-types-hint`)} onChange={(e) => setTypes(e.target.value)} />
          <span id={`${id}-types-hint`} className="hint">
            {t('admin.webhooks.typesHint')}
          </span>
          {err('types')}
        </div>
        <div className={errors.description ? 'field field-wide has-error' : 'field field-wide'}>
          <label htmlFor={`${id}-description`}>{t('admin.webhooks.description')}</label>
          <input
            id={`${id}-description`}
            value={description}
            maxLength={200}
            {...aria('description')}
            onChange={(e) => setDescription(e.target.value)}
          />
          {err('description')}
        </div>
      </div>
      <div className="form-actions form-actions-inline">
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          {busy ? t('admin.webhooks.creating') : t('admin.webhooks.create')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('registries.form.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The delivery log of one endpoint, newest first, with a redelivery per delivery. */
export function DeliveryLog({ webhook }: { webhook: Webhook }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const deliveries = useDeliveries(webhook.id);
  const rows = deliveries.data?.items ?? [];
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState<number | null>(null);

  async function again(deliveryId: number) {
    setNotice(null);
    setFailure(null);
    setBusy(deliveryId);
    try {
      await redeliver(webhook.id, deliveryId);
      setNotice(t('admin.webhooks.redelivered', { id: deliveryId }));
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
      await qc.invalidateQueries({ queryKey: webhooksKey });
    }
  }

  return (
    <section className="panel" aria-label={t('admin.webhooks.logOf', { url: webhook.url })}>
      <h3 className="record-form-title">{t('admin.webhooks.logOf', { url: webhook.url })}</h3>
      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>
      {failure !== null && <ErrorMessage error={failure} title={t('registries.actionFailed')} />}
      {deliveries.isPending && <Loading />}
      {deliveries.isError && <ErrorMessage error={deliveries.error} onRetry={() => void deliveries.refetch()} />}
      {deliveries.isSuccess && rows.length === 0 && <p className="empty">{t('admin.webhooks.noDeliveries')}</p>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">{t('admin.webhooks.logOf', { url: webhook.url })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.webhooks.col.created')}</th>
                <th scope="col">{t('admin.webhooks.col.change')}</th>
                <th scope="col">{t('admin.col.status')}</th>
                <th scope="col">{t('admin.webhooks.col.code')}</th>
                <th scope="col">{t('admin.webhooks.col.attempts')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('registries.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td className="nowrap">{formatDateTime(d.created_at)}</td>
                  <td className="mono">
                    {d.type}.{d.op} #{d.record_id}
                    <span className="sub muted small">{t('admin.webhooks.cursor', { cursor: d.cursor })}</span>
                  </td>
                  <td className="nowrap">
                    <span className={d.status === 'delivered' ? 'badge badge-met' : 'badge badge-behind'}>
                      {t(`admin.webhooks.status.${d.status}`)}
                    </span>
                    {d.last_error && <span className="sub muted small">{d.last_error}</span>}
                    {d.status === 'pending' && d.next_attempt_at && (
                      <span className="sub muted small">{t('admin.webhooks.next', { at: formatDateTime(d.next_attempt_at) })}</span>
                    )}
                  </td>
                  <td className="mono">{d.last_status_code ?? '—'}</td>
                  <td>{d.attempts}</td>
                  <td className="actions-col">
                    <button
                      type="button"
                      className="button button-small"
                      disabled={busy === d.id}
                      aria-label={t('admin.webhooks.redeliverNamed', { id: d.id })}
                      onClick={() => void again(d.id)}
                    >
                      {t('admin.webhooks.redeliver')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function WebhooksSection() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const hooks = useWebhooks();
  const rows = hooks.data?.pages.flatMap((p) => p.items) ?? [];
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const id = useId();
  const refresh = () => qc.invalidateQueries({ queryKey: webhooksKey });
  const stopped = rows.filter((w) => webhookState(w) === 'auto-disabled');

  async function toggle(w: Webhook) {
    setNotice(null);
    setFailure(null);
    setBusy(w.id);
    try {
      await setWebhookEnabled(w.id, !w.enabled);
      setNotice(t(w.enabled ? 'admin.webhooks.paused' : 'admin.webhooks.resumed', { url: w.url }));
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
      await refresh();
    }
  }

  return (
    <div>
      <p className="muted">{t('admin.webhooks.intro')}</p>
      {stopped.length > 0 && (
        <div className="alert alert-warning" role="alert" id={`${id}-stopped`}>
          <p className="alert-title">{t('admin.webhooks.autoTitle', { n: stopped.length, count: stopped.length })}</p>
          <ul>
            {stopped.map((w) => (
              <li key={w.id}>
                <span className="mono">{w.url}</span>: {w.disabled_reason}
              </li>
            ))}
          </ul>
          <p>{t('admin.webhooks.autoHelp')}</p>
        </div>
      )}
      <div className="list-head">
        <p className="count" role="status" aria-live="polite">
          {hooks.isSuccess && t('admin.webhooks.count', { n: rows.length, count: rows.length })}
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
              + {t('admin.webhooks.add')}
            </button>
          )}
        </div>
      </div>
      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>
      {failure !== null && <ErrorMessage error={failure} title={t('registries.actionFailed')} />}
      {creating && (
        <section className="panel" aria-label={t('admin.webhooks.add')}>
          <WebhookForm
            onCancel={() => setCreating(false)}
            onCreated={async (w) => {
              setCreating(false);
              setCreated(w);
              setNotice(t('admin.webhooks.created', { url: w.url }));
              await refresh();
            }}
          />
        </section>
      )}
      <SecretDialog
        created={created}
        texts={{
          title: t('admin.webhooks.secretTitle'),
          warning: t('admin.webhooks.secretWarn'),
          about: created ? t('admin.webhooks.secretFor', { url: created.url }) : '',
          label: t('admin.webhooks.secretLabel'),
          copy: t('admin.webhooks.copy'),
          copied: t('admin.webhooks.copied'),
          done: t('admin.webhooks.secretDone'),
        }}
        onClose={() => {
          setCreated(null);
          requestAnimationFrame(() => addButton.current?.focus());
        }}
      />
      {hooks.isPending && <Loading />}
      {hooks.isError && <ErrorMessage error={hooks.error} onRetry={() => void hooks.refetch()} />}
      {hooks.isSuccess && rows.length === 0 && <p className="empty">{t('admin.webhooks.none')}</p>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">{t('admin.webhooks.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.webhooks.url')}</th>
                <th scope="col" className="hide-narrow">
                  {t('admin.webhooks.col.partner')}
                </th>
                <th scope="col">{t('admin.col.status')}</th>
                <th scope="col" className="hide-narrow">
                  {t('admin.webhooks.col.pending')}
                </th>
                <th scope="col" className="hide-narrow">
                  {t('admin.webhooks.col.failures')}
                </th>
                <th scope="col">
                  <span className="visually-hidden">{t('registries.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((w) => {
                const state = webhookState(w);
                return (
                  <tr key={w.id} className={state === 'active' ? undefined : 'inactive'}>
                    <td className="title-col">
                      <span className="mono">{w.url}</span>
                      {w.description && <span className="sub muted small">{w.description}</span>}
                      <span className="sub muted small">
                        {w.types.length ? w.types.join(', ') : t('admin.webhooks.allTypes')}
                      </span>
                    </td>
                    <td className="hide-narrow mono">{w.partner}</td>
                    <td className="nowrap">
                      <span className={state === 'active' ? 'badge badge-met' : 'badge badge-behind'}>
                        {t(`admin.webhooks.state.${state}`)}
                      </span>
                      {w.disabled_at && <span className="sub muted small">{formatDateTime(w.disabled_at)}</span>}
                    </td>
                    <td className="hide-narrow">{w.pending}</td>
                    <td className="hide-narrow">{w.failures}</td>
                    <td className="actions-col">
                      <button
                        type="button"
                        className="button button-small"
                        aria-expanded={open === w.id}
                        aria-label={t('admin.webhooks.logNamed', { url: w.url })}
                        onClick={() => setOpen(open === w.id ? null : w.id)}
                      >
                        {t('admin.webhooks.log')}
                      </button>{' '}
                      <button
                        type="button"
                        className="button button-small"
                        disabled={busy === w.id}
                        aria-label={t(w.enabled ? 'admin.webhooks.pauseNamed' : 'admin.webhooks.resumeNamed', { url: w.url })}
                        onClick={() => void toggle(w)}
                      >
                        {t(w.enabled ? 'admin.webhooks.pause' : 'admin.webhooks.resume')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {hooks.hasNextPage && (
        <p className="more">
          <button type="button" className="button" onClick={() => void hooks.fetchNextPage()}>
            {t('units.more')}
          </button>
        </p>
      )}
      {rows
        .filter((w) => w.id === open)
        .map((w) => (
          <DeliveryLog key={w.id} webhook={w} />
        ))}
    </div>
  );
}
