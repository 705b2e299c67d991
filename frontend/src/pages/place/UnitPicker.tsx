/**
 * Choosing the place of a statistics page: shortcuts (the whole country, the user's unit, Thái
 * Bình on the pre-2025 map) and a search over both maps, by name or by code.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { asOfFor, type MapChoice, type Unit } from '../../api/units';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorMessage } from '../../components/Status';
import { lookupCode } from './usePlace';

export interface PickedUnit {
  unit: string | null;
  map: MapChoice;
}

interface Found {
  unit: Unit;
  map: MapChoice;
}

async function findOnMap(q: string, map: MapChoice, signal: AbortSignal): Promise<Found[]> {
  const page = unwrap(await api.GET('/api/v1/units', { params: { query: { q, as_of: asOfFor(map), limit: 8 } }, signal }));
  return page.items.filter((u) => u.level !== 'village').map((unit) => ({ unit, map }));
}

/** By code (what it names on each map) or by name on both maps; a unit the same on both is listed once. */
async function findUnits(q: string, signal: AbortSignal): Promise<Found[]> {
  let now: Found[];
  let old: Found[];
  if (/^\d{2,5}$/.test(q)) {
    const found = await lookupCode(q, signal);
    now = found.now ? [{ unit: found.now, map: 'new' }] : [];
    old = found.old ? [{ unit: found.old, map: 'old' }] : [];
  } else {
    [now, old] = await Promise.all([findOnMap(q, 'new', signal), findOnMap(q, 'old', signal)]);
  }
  const seen = new Set(now.map((f) => `${f.unit.code}|${f.unit.name}`));
  return [...now, ...old.filter((f) => !seen.has(`${f.unit.code}|${f.unit.name}`))];
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

export function UnitPicker({ onPick, onClose }: { onPick: (p: PickedUnit) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const id = useId();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const input = useRef<HTMLInputElement>(null);
  const found = useQuery({
    queryKey: ['units', 'pick', q],
    queryFn: ({ signal }) => findUnits(q, signal),
    enabled: q.length >= 2,
    staleTime: 5 * 60_000,
  });

  useEffect(() => input.current?.focus(), []);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    }
  }

  const national = me?.unit_code === null;
  return (
    <div className="picker" role="group" aria-labelledby={`${id}-title`} onKeyDown={onKeyDown}>
      <div className="picker-head">
        <h2 id={`${id}-title`}>{t('place.pickTitle')}</h2>
        <button type="button" className="button button-quiet" onClick={onClose}>
          {t('place.close')}
        </button>
      </div>
      <p className="picker-label">{t('place.shortcuts')}</p>
      <ul className="picker-shortcuts">
        {national && (
          <li>
            <button type="button" className="button" onClick={() => onPick({ unit: null, map: 'new' })}>
              {t('place.wholeCountry')}
            </button>
          </li>
        )}
        {me?.unit_code && (
          <li>
            <button type="button" className="button" onClick={() => onPick({ unit: me.unit_code ?? null, map: 'new' })}>
              {t('place.myUnit', { name: me.unit_name ?? me.unit_code })}
            </button>
          </li>
        )}
        <li>
          <button type="button" className="button" onClick={() => onPick({ unit: '34', map: 'old' })}>
            {t('place.thaiBinhShortcut')}
          </button>
        </li>
      </ul>
      <div className="field">
        <label htmlFor={`${id}-q`}>{t('place.search')}</label>
        <input
          id={`${id}-q`}
          ref={input}
          type="search"
          value={text}
          placeholder={t('place.searchPlaceholder')}
          aria-describedby={`${id}-hint`}
          maxLength={100}
          autoComplete="off"
          onChange={(e) => setText(e.target.value)}
        />
        <span id={`${id}-hint`} className="hint">
          {t('place.searchHint')}
        </span>
      </div>
      <div aria-live="polite">
        {found.isFetching && <p className="muted small">{t('place.searching')}</p>}
        {found.isError && <ErrorMessage error={found.error} />}
        {found.isSuccess && q.length >= 2 && found.data.length === 0 && <p className="muted">{t('place.noMatch')}</p>}
        {found.isSuccess && found.data.length > 0 && (
          <ul className="picker-results" aria-label={t('place.results')}>
            {found.data.map(({ unit, map }) => (
              <li key={`${map}-${unit.code}`}>
                <button type="button" className="picker-result" onClick={() => onPick({ unit: unit.code, map })}>
                  <span className="picker-name">{unit.name}</span>
                  <span className="muted small">
                    <span className="mono">{unit.code}</span> · {t(`units.levels.${unit.level}`)} ·{' '}
                    {map === 'old' ? t('place.onOldMap') : t('place.onNewMap')}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
