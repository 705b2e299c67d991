/** The filter form above every recognition tab: unit picked by name, year, title, group, status, village. */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { GROUPS, STATUSES, TITLES, type RegFilters, type RegStatus, type TargetGroup, type Title } from '../../api/recognition';
import { UnitCombobox } from '../../components/UnitCombobox';
import { yearsDesc } from '../registries/RegistryTab';

export function FilterBar({
  filters,
  showStatus,
  onApply,
}: {
  filters: RegFilters;
  showStatus: boolean;
  onApply: (f: RegFilters) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<RegFilters>(filters);
  const key = JSON.stringify(filters);
  useEffect(() => setDraft(filters), [key]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const next = { ...draft, village: draft.village?.trim() || undefined };
    if (next.title !== 'cong_dan') delete next.target_group;
    if (!showStatus) next.status = filters.status;
    onApply(next);
  }

  return (
    <form className="filters recog-filters" aria-label={t('recognition.f.label')} onSubmit={submit} noValidate>
      <UnitCombobox
        id="recog-f-unit"
        label={t('recognition.f.unit')}
        value={draft.unit ?? ''}
        onChange={(code) => setDraft((d) => ({ ...d, unit: code || undefined }))}
        hint={t('recognition.f.unitHint')}
      />
      <div className="field">
        <label htmlFor="recog-f-year">{t('recognition.f.year')}</label>
        <select id="recog-f-year" value={draft.year} onChange={(e) => setDraft((d) => ({ ...d, year: Number(e.target.value) }))}>
          {yearsDesc().map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="recog-f-title">{t('recognition.f.title')}</label>
        <select
          id="recog-f-title"
          value={draft.title ?? ''}
          onChange={(e) => setDraft((d) => ({ ...d, title: (e.target.value || undefined) as Title | undefined }))}
        >
          <option value="">{t('recognition.f.all')}</option>
          {TITLES.map((v) => (
            <option key={v} value={v}>
              {t(`recognition.titles.${v}`)}
            </option>
          ))}
        </select>
      </div>
      {draft.title === 'cong_dan' && (
        <div className="field">
          <label htmlFor="recog-f-group">{t('recognition.f.group')}</label>
          <select
            id="recog-f-group"
            value={draft.target_group ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, target_group: (e.target.value || undefined) as TargetGroup | undefined }))}
          >
            <option value="">{t('recognition.f.all')}</option>
            {GROUPS.map((v) => (
              <option key={v} value={v}>
                {t(`recognition.groups.${v}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      {showStatus && (
        <div className="field">
          <label htmlFor="recog-f-status">{t('recognition.f.status')}</label>
          <select
            id="recog-f-status"
            value={draft.status ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, status: (e.target.value || undefined) as RegStatus | undefined }))}
          >
            <option value="">{t('recognition.f.all')}</option>
            {STATUSES.map((v) => (
              <option key={v} value={v}>
                {t(`recognition.status.${v}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor="recog-f-village">{t('recognition.f.village')}</label>
        <input
          id="recog-f-village"
          type="text"
          value={draft.village ?? ''}
          maxLength={200}
          aria-describedby="recog-f-village-hint"
          onChange={(e) => setDraft((d) => ({ ...d, village: e.target.value }))}
        />
        <p id="recog-f-village-hint" className="hint">
          {t('recognition.f.villageHint')}
        </p>
      </div>
      <div className="field field-actions">
        <button type="submit" className="button button-primary">
          {t('recognition.f.apply')}
        </button>
      </div>
    </form>
  );
}
