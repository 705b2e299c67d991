/**
 * The filters above a registry list (RegistryTab): unit, year and the registry's own filters, kept
 * in the URL (useRegistryFilters).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useAwardCategories, type Filters } from '../../api/registries';
import { useAuth } from '../../auth/AuthProvider';
import { isUnitCode } from '../../components/UnitName';
import { UnitCombobox } from '../../components/UnitCombobox';
import { tx } from '../../i18n/loose';
import { ENUMS, type FilterDef } from './types';
import { yearsDesc } from './RegistryTab';

/** The registry filters in the URL; `unit` defaults to the user's unit (an empty `unit=` is none). */
export function useRegistryFilters(defs: readonly FilterDef[]) {
  const { me } = useAuth();
  const [params, setParams] = useSearchParams();
  const unit = params.has('unit') ? (params.get('unit') ?? '') : (me?.unit_code ?? '');
  const filters: Filters = { unit: isUnitCode(unit) ? unit : undefined };
  for (const d of defs) {
    const v = params.get(d.name) ?? '';
    if (!v) continue;
    if (d.kind === 'year') {
      if (/^\d{4}$/.test(v)) filters[d.name] = Number(v);
    } else if (d.kind === 'select' && d.enum) {
      if ((ENUMS[d.enum] as readonly string[]).includes(v)) filters[d.name] = v;
    } else {
      filters[d.name] = v;
    }
  }
  return { filters, unitText: unit, params, setParams };
}

export function FilterForm({
  defs,
  idPrefix,
  unitText,
  params,
  showReset,
  onApply,
  onReset,
}: {
  defs: readonly FilterDef[];
  idPrefix: string;
  unitText: string;
  params: URLSearchParams;
  showReset: boolean;
  onApply: (next: URLSearchParams) => void;
  onReset: () => void;
}) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState(unitText);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [unitError, setUnitError] = useState(false);
  const categories = useAwardCategories();
  const paramsKey = params.toString();

  useEffect(() => {
    setUnit(unitText);
    setDraft(Object.fromEntries(defs.map((d) => [d.name, params.get(d.name) ?? ''])));
    setUnitError(false);
  }, [paramsKey, unitText]);

  function apply(e: FormEvent) {
    e.preventDefault();
    const code = unit.trim();
    if (code && !isUnitCode(code)) {
      setUnitError(true);
      return;
    }
    setUnitError(false);
    const next = new URLSearchParams();
    next.set('unit', code);
    for (const d of defs) if (draft[d.name]) next.set(d.name, draft[d.name] ?? '');
    onApply(next);
  }

  return (
    <form className="filters registry-filters" aria-label={t('registries.filters')} onSubmit={apply} noValidate>
      <UnitCombobox
        id={`${idPrefix}-f-unit`}
        label={t('reports.unitCode')}
        value={unit.trim()}
        onChange={(c) => {
          setUnit(c);
          setUnitError(false);
        }}
        hint={t('reports.unitCodeHint')}
        error={unitError ? t('reports.open.invalidCode') : undefined}
      />
      {defs.map((d) => (
        <div className="field" key={d.name}>
          <label htmlFor={`${idPrefix}-f-${d.name}`}>{tx(t, `registries.f.${d.name}`)}</label>
          <select
            id={`${idPrefix}-f-${d.name}`}
            value={draft[d.name] ?? ''}
            onChange={(e) => setDraft((old) => ({ ...old, [d.name]: e.target.value }))}
          >
            <option value="">{t('registries.all')}</option>
            {d.kind === 'year' &&
              yearsDesc().map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            {d.kind === 'select' &&
              d.enum &&
              ENUMS[d.enum].map((v) => (
                <option key={v} value={v}>
                  {tx(t, `registries.enum.${d.enum}.${v}`)}
                </option>
              ))}
            {d.kind === 'category' &&
              (categories.data ?? []).map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
          </select>
        </div>
      ))}
      <div className="field field-actions">
        <button type="submit" className="button button-primary">
          {t('reports.apply')}
        </button>
        {showReset && (
          <button type="button" className="button button-quiet" onClick={onReset}>
            {t('reports.reset')}
          </button>
        )}
      </div>
    </form>
  );
}
