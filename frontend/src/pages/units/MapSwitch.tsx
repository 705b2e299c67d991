import { useTranslation } from 'react-i18next';
import type { MapChoice } from '../../api/units';
import { formatDate, todayIso } from '../../lib/format';

/** Radio buttons (styled as a segmented switch) between the pre-2025 map and today's. */
export function MapSwitch({ value, onChange }: { value: MapChoice; onChange: (m: MapChoice) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="segmented">
      <legend>{t('units.map')}</legend>
      {(['old', 'new'] as const).map((m) => (
        <label key={m} className={value === m ? 'checked' : undefined}>
          <input type="radio" name="map" value={m} checked={value === m} onChange={() => onChange(m)} />
          {m === 'old' ? t('units.mapOld') : t('units.mapNew')}
        </label>
      ))}
      <span className="muted small">
        {value === 'old' ? t('units.mapOldNote') : t('units.mapNewNote', { date: formatDate(todayIso()) })}
      </span>
    </fieldset>
  );
}
