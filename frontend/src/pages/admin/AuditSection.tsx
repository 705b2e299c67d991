/** The audit trail (nhật ký thay đổi), newest first unless ?order=asc: filters in the URL, pages, CSV. */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { exportAuditCsv, useAudit, type AuditEntry, type AuditFilters } from '../../api/admin';
import { CsvButton } from '../../components/CsvButton';
import { Pager, useCursorPages } from '../../components/Pager';
import { ErrorMessage, Loading } from '../../components/Status';
import { tx } from '../../i18n/loose';
import { formatDateTime, formatInteger, MISSING } from '../../lib/format';

export const AUDIT_ENTITIES = [
  'report',
  'user',
  'api_key',
  'association',
  'fund',
  'award',
  'import_job',
  'award_category',
  'commendation',
  'inspection',
  'partnership',
  'activity',
  'target',
  'unit',
] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function show(v: unknown): string {
  if (v === null || v === undefined) return MISSING;
  if (typeof v === 'number') return formatInteger(v);
  if (typeof v === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return formatDateTime(v);
    return v.length > 60 ? `${v.slice(0, 57)}…` : v;
  }
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function Changes({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const all = Object.entries(entry.changes ?? {});
  if (all.length === 0) return <>{MISSING}</>;
  const shown = all.slice(0, 6);
  return (
    <ul className="changes">
      {shown.map(([field, pair]) => {
        const [from, to] = Array.isArray(pair) && pair.length === 2 ? pair : [undefined, pair];
        return (
          <li key={field}>
            <span className="mono small">{field}</span>: {from === undefined || from === null ? '' : `${show(from)} → `}
            {show(to)}
          </li>
        );
      })}
      {all.length > shown.length && <li className="muted">{t('admin.audit.more', { n: all.length - shown.length })}</li>}
    </ul>
  );
}

export function AuditSection() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const sinceDay = params.get('since') ?? '';
  const filters: AuditFilters = {
    entity: params.get('entity') || undefined,
    id: params.get('id') || undefined,
    actor: params.get('actor') || undefined,
    // From the start of the chosen day in Vietnam.
    since: DATE.test(sinceDay) ? `${sinceDay}T00:00:00+07:00` : undefined,
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
  };
  const key = JSON.stringify(filters);
  const pages = useCursorPages(key);
  const audit = useAudit(filters, pages.cursor);
  const items = audit.data?.items ?? [];

  const [draft, setDraft] = useState({ entity: '', id: '', actor: '', since: '' });
  useEffect(() => {
    setDraft({ entity: params.get('entity') ?? '', id: params.get('id') ?? '', actor: params.get('actor') ?? '', since: sinceDay });
  }, [params, sinceDay]);

  function apply(e: FormEvent) {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(draft)) if (v.trim()) next.set(k, v.trim());
    if (filters.order === 'asc') next.set('order', 'asc');
    setParams(next);
  }

  function toggleOrder() {
    const next = new URLSearchParams(params);
    if (filters.order === 'asc') next.delete('order');
    else next.set('order', 'asc');
    setParams(next);
  }

  const any = Boolean(filters.entity || filters.id || filters.actor || filters.since);

  return (
    <div>
      <p className="muted small">{t('admin.audit.intro')}</p>
      <form className="filters audit-filters" aria-label={t('admin.audit.filters')} onSubmit={apply} noValidate>
        <div className="field">
          <label htmlFor="audit-entity">{t('admin.audit.entity')}</label>
          <select id="audit-entity" value={draft.entity} onChange={(e) => setDraft((d) => ({ ...d, entity: e.target.value }))}>
            <option value="">{t('registries.all')}</option>
            {AUDIT_ENTITIES.map((en) => (
              <option key={en} value={en}>
                {tx(t, `admin.audit.entities.${en}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-id">{t('admin.audit.id')}</label>
          <input id="audit-id" value={draft.id} maxLength={80} onChange={(e) => setDraft((d) => ({ ...d, id: e.target.value }))} />
        </div>
        <div className="field">
          <label htmlFor="audit-actor">{t('admin.audit.actor')}</label>
          <input
            id="audit-actor"
            value={draft.actor}
            maxLength={200}
            aria-describedby="audit-actor-hint"
            onChange={(e) => setDraft((d) => ({ ...d, actor: e.target.value }))}
          />
          <span id="audit-actor-hint" className="hint">
            {t('admin.audit.actorHint')}
          </span>
        </div>
        <div className="field">
          <label htmlFor="audit-since">{t('admin.audit.since')}</label>
          <input id="audit-since" type="date" value={draft.since} onChange={(e) => setDraft((d) => ({ ...d, since: e.target.value }))} />
        </div>
        <div className="field field-actions">
          <button type="submit" className="button button-primary">
            {t('reports.apply')}
          </button>
          {any && (
            <button type="button" className="button button-quiet" onClick={() => setParams(new URLSearchParams())}>
              {t('reports.reset')}
            </button>
          )}
        </div>
      </form>

      <div className="list-head">
        <p className="count" role="status" aria-live="polite">
          {audit.isSuccess && t('admin.audit.pageInfo', { page: formatInteger(pages.page), n: formatInteger(items.length) })}
        </p>
        <CsvButton fetchCsv={() => exportAuditCsv(filters)} filename="nhat-ky-thay-doi.csv" disabled={!audit.isSuccess || items.length === 0} />
      </div>
      {audit.isPending && <Loading />}
      {audit.isError && <ErrorMessage error={audit.error} onRetry={() => void audit.refetch()} />}
      {audit.isSuccess && items.length === 0 && <p className="empty">{t('admin.audit.none')}</p>}
      {items.length > 0 && (
        <div className={audit.isPlaceholderData ? 'table-wrap stale' : 'table-wrap'} aria-busy={audit.isFetching}>
          <table className="data audit">
            <caption className="visually-hidden">{t('admin.audit.caption')}</caption>
            <thead>
              <tr>
                <th scope="col" className="hide-narrow">
                  #
                </th>
                <th scope="col" aria-sort={filters.order === 'asc' ? 'ascending' : 'descending'}>
                  <button
                    type="button"
                    className="sort-button"
                    aria-label={filters.order === 'asc' ? t('admin.audit.sortOldest') : t('admin.audit.sortNewest')}
                    onClick={toggleOrder}
                  >
                    {t('admin.audit.at')} <span aria-hidden="true">{filters.order === 'asc' ? '▲' : '▼'}</span>
                  </button>
                </th>
                <th scope="col">{t('admin.audit.actor')}</th>
                <th scope="col">{t('admin.audit.action')}</th>
                <th scope="col">{t('admin.audit.record')}</th>
                <th scope="col" className="hide-narrow">
                  {t('admin.audit.changes')}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td className="mono hide-narrow">{e.id}</td>
                  <td className="nowrap">{formatDateTime(e.at)}</td>
                  <td>
                    {e.actor_name}
                    {e.actor_kind !== 'user' && (
                      <span className="muted small"> · {tx(t, `admin.audit.actorKinds.${e.actor_kind}`, { defaultValue: e.actor_kind })}</span>
                    )}
                  </td>
                  <td className="nowrap">{tx(t, `admin.audit.actions.${e.action}`, { defaultValue: e.action })}</td>
                  <td className="nowrap">
                    {tx(t, `admin.audit.entities.${e.entity}`, { defaultValue: e.entity })} <span className="mono small">#{e.entity_id}</span>
                  </td>
                  <td className="hide-narrow">
                    <Changes entry={e} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label={t('admin.audit.caption')}
        page={pages.page}
        nextCursor={audit.data?.next_cursor}
        busy={audit.isFetching}
        onPrev={pages.prev}
        onNext={pages.next}
      />
    </div>
  );
}
