/**
 * One registry: filters (unit — the user's own by default — and the registry's own), a paginated
 * table, CSV of the whole filtered list, and for editors create, change (If-Match) and delete.
 * The filters, the page's record in focus (`record`) live in the URL.
 */
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/problem';
import { deleteSeen, exportRegistryCsv, fetchRecord, useAfterChange, useRegistryList, type BaseRow, type Filters, type Loaded } from '../../api/registries';
import { useAuth, type Me } from '../../auth/AuthProvider';
import { CsvButton } from '../../components/CsvButton';
import { Pager, useCursorPages } from '../../components/Pager';
import { ErrorMessage, Loading } from '../../components/Status';
import { tx } from '../../i18n/loose';
import { formatInteger } from '../../lib/format';
import { currentYear, FIRST_YEAR } from '../place/usePlace';
import { RecordForm } from './RecordForm';
import { type RegistryConfig } from './types';
import { FilterForm, useRegistryFilters } from './FilterForm';
import { RowActions } from './RowActions';

export function canWriteRegistries(me: Me | undefined): boolean {
  return !!me && me.role !== 'viewer' && me.scopes.includes('registries:write');
}

export function yearsDesc(): number[] {
  const out: number[] = [];
  for (let y = currentYear(); y >= FIRST_YEAR; y--) out.push(y);
  return out;
}

type Editor<T> = { mode: 'create' } | { mode: 'edit'; loaded: Loaded<T> } | null;

export function RegistryTab<T extends BaseRow>({
  config,
  detail,
  tools,
}: {
  config: RegistryConfig<T>;
  /** A panel about one record (the association's years, the fund's ledger), chosen with a row button. */
  detail?: { label: (row: T) => string; aria: (row: T) => string; render: (id: number, close: () => void) => ReactNode };
  /** Shown above the list (the award import, the funds' totals). */
  tools?: (filters: Filters) => ReactNode;
}) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const canWrite = canWriteRegistries(me);
  const { filters, unitText, params, setParams } = useRegistryFilters(config.filters);
  const filterKey = JSON.stringify(filters);
  const pages = useCursorPages(filterKey);
  const list = useRegistryList<T>(config.kind, filters, pages.cursor);
  const items = list.data?.items ?? [];
  const afterChange = useAfterChange();
  const [editor, setEditor] = useState<Editor<T>>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [busyRow, setBusyRow] = useState<number | null>(null);
  const recordParam = Number(params.get('record'));
  const selected = Number.isInteger(recordParam) && recordParam > 0 ? recordParam : null;

  function setParam(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(name);
    else next.set(name, value);
    setParams(next);
  }

  async function openEdit(row: T) {
    setNotice(null);
    setFailure(null);
    setBusyRow(row.id);
    try {
      setEditor({ mode: 'edit', loaded: await fetchRecord<T>(config.kind, row.id) });
    } catch (e) {
      setFailure(e);
    } finally {
      setBusyRow(null);
    }
  }

  async function remove(row: T) {
    setNotice(null);
    setFailure(null);
    setBusyRow(row.id);
    try {
      await deleteSeen(config.kind, row);
      setNotice(t('registries.deleted', { name: config.title(row) }));
      if (selected === row.id) setParam('record', null);
    } catch (e) {
      setFailure(e);
    } finally {
      setConfirming(null);
      setBusyRow(null);
      await afterChange(config.kind, ...(config.kind === 'awards' ? (['funds'] as const) : []));
    }
  }

  const anyFilter = Object.entries(filters).some(([k, v]) => v !== undefined && !(k === 'unit' && v === me?.unit_code));

  return (
    <div className="registry">
      <FilterForm
        defs={config.filters}
        idPrefix={config.slug}
        unitText={unitText}
        params={params}
        showReset={anyFilter}
        onApply={(next) => setParams(next)}
        onReset={() => setParams(me?.unit_code ? new URLSearchParams() : new URLSearchParams({ unit: '' }))}
      />

      {tools?.(filters)}

      {/* The record in focus (its years, its ledger), above the list it was chosen from. */}
      {detail && selected !== null && detail.render(selected, () => setParam('record', null))}

      <div className="list-head">
        <p className="count" role="status" aria-live="polite">
          {list.isSuccess && t('registries.pageInfo', { page: formatInteger(pages.page), n: formatInteger(items.length) })}
        </p>
        <div className="list-tools">
          {canWrite && !editor && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => {
                setNotice(null);
                setFailure(null);
                setEditor({ mode: 'create' });
              }}
            >
              + {tx(t, `registries.add.${config.kind}`)}
            </button>
          )}
          <CsvButton
            fetchCsv={() => exportRegistryCsv(config.kind, filters)}
            filename={`${config.csvName}-${filters.unit ?? 'tat-ca'}.csv`}
            disabled={!list.isSuccess || items.length === 0}
          />
        </div>
      </div>

      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>
      {failure !== null && (
        <ErrorMessage
          error={failure}
          title={failure instanceof ApiError && failure.status === 412 ? t('registries.staleTitle') : t('registries.actionFailed')}
        />
      )}

      {editor && (
        <section className="panel" aria-label={editor.mode === 'create' ? tx(t, `registries.add.${config.kind}`) : t('registries.edit')}>
          <RecordForm
            key={editor.mode === 'edit' ? `edit-${editor.loaded.record.id}` : 'create'}
            config={config}
            editing={editor.mode === 'edit' ? editor.loaded : null}
            defaultUnit={filters.unit ? String(filters.unit) : (me?.unit_code ?? '')}
            onCancel={() => setEditor(null)}
            onSaved={(row, created) => {
              setEditor(null);
              setNotice(created ? t('registries.created', { name: config.title(row) }) : t('registries.saved', { name: config.title(row) }));
            }}
          />
        </section>
      )}

      {list.isPending && <Loading />}
      {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && items.length === 0 && <p className="empty">{t('registries.none_found')}</p>}
      {items.length > 0 && (
        <div className={list.isPlaceholderData ? 'table-wrap stale' : 'table-wrap'} aria-busy={list.isFetching}>
          {/* Explicit roles: on phones the rows are drawn as cards (display: block), which would drop the table's semantics. */}
          <table className="data registry-table" role="table">
            <caption className="visually-hidden">{tx(t, `registries.caption.${config.kind}`)}</caption>
            <thead role="rowgroup">
              <tr role="row">
                {config.columns.map((c) => (
                  <th key={c.id} scope="col" role="columnheader" className={[c.className, c.narrow ? 'hide-narrow' : ''].filter(Boolean).join(' ') || undefined}>
                    {tx(t, c.header)}
                  </th>
                ))}
                {(canWrite || detail) && (
                  <th scope="col" role="columnheader" className="actions-col">
                    <span className="visually-hidden">{t('registries.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody role="rowgroup">
              {items.map((row) => (
                <tr key={row.id} role="row" className={selected === row.id ? 'selected' : undefined}>
                  {config.columns.map((c) => (
                    <td
                      key={c.id}
                      role="cell"
                      data-label={tx(t, c.header)}
                      className={[c.className, c.narrow ? 'hide-narrow' : ''].filter(Boolean).join(' ') || undefined}
                    >
                      {c.cell(row, t)}
                    </td>
                  ))}
                  {(canWrite || detail) && (
                    <td className="actions-col" role="cell">
                      <RowActions
                        title={config.title(row)}
                        confirming={confirming === row.id}
                        busy={busyRow === row.id}
                        canWrite={canWrite}
                        detail={detail ? { label: detail.label(row), aria: detail.aria(row), open: selected === row.id } : undefined}
                        onConfirm={(yes) => setConfirming(yes ? row.id : null)}
                        onRemove={() => void remove(row)}
                        onEdit={() => void openEdit(row)}
                        onDetail={() => setParam('record', selected === row.id ? null : String(row.id))}
                      />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label={tx(t, `registries.caption.${config.kind}`)}
        page={pages.page}
        nextCursor={list.data?.next_cursor}
        busy={list.isFetching}
        onPrev={pages.prev}
        onNext={pages.next}
      />
    </div>
  );
}

