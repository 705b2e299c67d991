/**
 * Ra quyết định: pick verified registrations that meet their rule, record the decision (authority,
 * number, date) that recognises them in one request, and download each decision's list.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRegistrations, type RegFilters } from '../../api/recognition';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorMessage, Loading } from '../../components/Status';
import { formatInteger } from '../../lib/format';
import { canWriteRegistries } from '../registries/RegistryTab';
import { DecisionForm } from './DecisionForm';
import { DecisionList } from './DecisionList';
import { titleLabel } from './parts';

export function DecisionTab({ filters: base }: { filters: RegFilters }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const filters: RegFilters = { ...base, status: 'verified' };
  const ready = !!filters.title && !!filters.unit;
  const list = useRegistrations(filters, undefined, 1000);
  const items = ready ? (list.data?.items ?? []) : [];
  const passing = items.filter((r) => r.passed);
  const [picked, setPicked] = useState<Set<number> | null>(null);
  const chosen = picked ?? new Set(passing.map((r) => r.id));
  const canWrite = canWriteRegistries(me);

  function toggle(id: number, on: boolean) {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setPicked(next);
  }

  return (
    <div>
      <p className="muted small tab-intro">{t('recognition.decide.intro')}</p>
      {!filters.unit && <p className="alert alert-info">{t('recognition.decide.needsUnit')}</p>}
      {!filters.title && <p className="alert alert-info">{t('recognition.decide.needsTitle')}</p>}
      {ready && (
        <>
          <h3>{t('recognition.decide.candidates')}</h3>
          {list.isPending && <Loading />}
          {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
          {list.isSuccess && items.length === 0 && <p className="empty">{t('recognition.decide.none')}</p>}
          {items.length > 0 && (
            <fieldset className="field-group recog-pick">
              <legend>{t('recognition.decide.picked', { count: chosen.size })}</legend>
              <label className="check">
                <input
                  type="checkbox"
                  checked={passing.length > 0 && passing.every((r) => chosen.has(r.id))}
                  onChange={(e) => setPicked(e.target.checked ? new Set(passing.map((r) => r.id)) : new Set())}
                />
                {t('recognition.decide.pickAll')}
              </label>
              <ul className="recog-pick-list">
                {items.map((r) => (
                  <li key={r.id}>
                    <label className="check">
                      <input type="checkbox" disabled={!r.passed} checked={chosen.has(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} />
                      <span>
                        {r.name} <span className="muted small">{[r.village, titleLabel(t, r)].filter(Boolean).join(' · ')}</span>{' '}
                        <strong>{r.total === null ? '' : formatInteger(r.total)}</strong>
                        {!r.passed && <span className="recog-fail small"> · {t('recognition.decide.notPassed')}</span>}
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
          )}
          {canWrite && items.length > 0 && <DecisionForm filters={filters} ids={[...chosen]} onDone={() => setPicked(null)} />}
        </>
      )}
      {filters.unit && <DecisionList unit={filters.unit} year={filters.year} title={filters.title} />}
    </div>
  );
}
