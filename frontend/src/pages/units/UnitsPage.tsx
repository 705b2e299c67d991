import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import {
  asOfFor,
  exportUnitsCsv,
  parseLevel,
  parseMap,
  UNIT_LEVELS,
  useUnit,
  useUnitList,
  type MapChoice,
  type Unit,
  type UnitFilters,
} from '../../api/units';
import { ErrorMessage, Loading } from '../../components/Status';
import { useDocumentTitle } from '../../components/UnderConstruction';
import { formatDate, formatInteger } from '../../lib/format';
import { MapSwitch } from './MapSwitch';
import { UnitName } from '../../components/UnitName';

/** Search params → filters. Defaults: today's map, provinces. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const map = parseMap(params.get('map'));
  const q = params.get('q') ?? '';
  const parent = params.get('parent') ?? '';
  // With no level in the URL, start on the provinces (unless searching or under a parent).
  const rawLevel = params.get('level');
  const level = rawLevel === 'all' ? undefined : (parseLevel(rawLevel) ?? (q || parent ? undefined : 'province'));
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: false });
  };
  return { map, q, parent, level, update };
}

export function UnitsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('units.title'));
  const { map, q, parent, level, update } = useFilters();
  const filters: UnitFilters = { asOf: asOfFor(map), q: q || undefined, level, parent: parent || undefined };
  const list = useUnitList(filters);
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);

  const units: Unit[] = list.data?.pages.flatMap((p) => p.items) ?? [];

  function onSearch(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    update({ q: draft.trim() || undefined });
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('units.title')}</h1>
      <p className="muted">{t('units.intro')}</p>

      <div className="toolbar">
        <MapSwitch value={map} onChange={(m: MapChoice) => update({ map: m })} />
      </div>

      <form className="filters" role="search" onSubmit={onSearch}>
        <div className="field">
          <label htmlFor="unit-q">{t('units.search')}</label>
          <input
            id="unit-q"
            type="search"
            value={draft}
            placeholder={t('units.searchPlaceholder')}
            aria-describedby="unit-q-hint"
            maxLength={100}
            onChange={(e) => setDraft(e.target.value)}
          />
          <span id="unit-q-hint" className="hint">
            {t('units.searchHint')}
          </span>
        </div>
        <div className="field">
          <label htmlFor="unit-level">{t('units.level')}</label>
          <select
            id="unit-level"
            value={level ?? 'all'}
            onChange={(e) => update({ level: e.target.value })}
          >
            <option value="all">{t('units.allLevels')}</option>
            {UNIT_LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`units.levelsTitle.${l}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-actions">
          <button type="submit" className="button button-primary">
            {t('units.submit')}
          </button>
          {(q || parent || level !== 'province') && (
            <button
              type="button"
              className="button button-quiet"
              onClick={() => update({ q: undefined, parent: undefined, level: undefined })}
            >
              {t('units.reset')}
            </button>
          )}
        </div>
      </form>

      {parent && <ParentChip code={parent} asOf={filters.asOf} onClear={() => update({ parent: undefined })} />}

      <div className="list-head">
        <p role="status" aria-live="polite" className="count">
          {list.isSuccess && t('units.showing', { n: formatInteger(units.length) })}
        </p>
        <CsvButton filters={filters} disabled={!list.isSuccess || units.length === 0} />
      </div>

      {list.isPending && <Loading />}
      {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && units.length === 0 && <p className="empty">{t('units.none')}</p>}
      {units.length > 0 && <UnitTable units={units} map={map} caption={t('units.listCaption')} />}
      {list.hasNextPage && (
        <p className="more">
          <button
            type="button"
            className="button"
            onClick={() => void list.fetchNextPage()}
            disabled={list.isFetchingNextPage}
          >
            {list.isFetchingNextPage ? t('units.loadingMore') : t('units.more')}
          </button>
        </p>
      )}
      {list.isSuccess && !list.hasNextPage && units.length > 0 && <p className="muted small">{t('units.allShown')}</p>}
    </section>
  );
}

function ParentChip({ code, asOf, onClear }: { code: string; asOf: string; onClear: () => void }) {
  const { t } = useTranslation();
  const unit = useUnit(code, asOf);
  return (
    <p className="chip">
      {t('units.parent')}: <strong>{unit.data ? `${unit.data.name} (${code})` : code}</strong>
      <button type="button" className="chip-clear" onClick={onClear} aria-label={t('units.clearParent')}>
        ×
      </button>
    </p>
  );
}

export function UnitTable({ units, map, caption }: { units: Unit[]; map: MapChoice; caption: string }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="data">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('units.col.code')}</th>
            <th scope="col">{t('units.col.name')}</th>
            <th scope="col">{t('units.col.level')}</th>
            <th scope="col" className="hide-narrow">
              {t('units.col.divisionType')}
            </th>
            <th scope="col" className="hide-narrow">
              {t('units.col.parent')}
            </th>
            <th scope="col" className="hide-narrow">
              {t('units.col.validFrom')}
            </th>
            <th scope="col" className="hide-narrow">
              {t('units.col.validTo')}
            </th>
          </tr>
        </thead>
        <tbody>
          {units.map((u) => (
            <tr key={u.code}>
              <td className="mono">{u.code}</td>
              <td>
                <Link to={`/don-vi/${encodeURIComponent(u.code)}?map=${map}`}>{u.name}</Link>
              </td>
              <td>{t(`units.levels.${u.level}`)}</td>
              <td className="hide-narrow">{u.division_type}</td>
              <td className="hide-narrow">{u.parent_code ? <UnitName code={u.parent_code} /> : '—'}</td>
              <td className="hide-narrow">{formatDate(u.valid_from)}</td>
              <td className="hide-narrow">{formatDate(u.valid_to)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CsvButton({ filters, disabled }: { filters: UnitFilters; disabled: boolean }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function onClick() {
    setBusy(true);
    setError(null);
    try {
      const csv = await exportUnitsCsv(filters);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `don-vi-hanh-chinh-${filters.asOf}${filters.level ? '-' + filters.level : ''}.csv`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="csv">
      <button type="button" className="button" onClick={() => void onClick()} disabled={disabled || busy}>
        {busy ? t('units.exporting') : t('units.exportCsv')}
      </button>
      {error !== null && <ErrorMessage error={error} title={t('units.exportFailed')} />}
    </div>
  );
}
