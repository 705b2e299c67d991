import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useUnit } from '../../api/units';
import { MapSwitch } from '../units/MapSwitch';
import { UnitPicker, type PickedUnit } from './UnitPicker';
import { currentYear, FIRST_YEAR, type Place } from './usePlace';

/** The unit's name as the page title shows it (the country, or the unit read on the place's date). */
export function usePlaceName(place: Place | undefined): string | undefined {
  const { t } = useTranslation();
  const unit = useUnit(place?.unit ?? '', place?.unitDate ?? '', Boolean(place?.unit));
  if (!place) return undefined;
  if (place.unit === null) return t('place.wholeCountry');
  return unit.data?.name;
}

export function YearSelect({ id, value, onChange }: { id: string; value: number; onChange: (y: number) => void }) {
  const { t } = useTranslation();
  const years: number[] = [];
  for (let y = Math.max(currentYear(), value); y >= Math.min(FIRST_YEAR, value); y--) years.push(y);
  return (
    <div className="field field-inline">
      <label htmlFor={id}>{t('place.year')}</label>
      <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {years.map((y) => (
          <option key={y} value={y}>
            {y}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Unit (with a picker), year and map of a statistics page. */
export function PlaceBar({
  place,
  name,
  onChange,
}: {
  place: Place;
  name: string | undefined;
  onChange: (c: { unit?: string | null; map?: 'old' | 'new' | null; year?: number }) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [picking, setPicking] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);

  function close() {
    setPicking(false);
    toggle.current?.focus();
  }

  function pick(p: PickedUnit) {
    onChange({ unit: p.unit, map: p.map });
    close();
  }

  return (
    <div className="placebar">
      <div className="placebar-row">
        <div className="placebar-unit">
          <span className="placebar-label">{t('place.unit')}</span>
          <strong>{name ?? place.unit ?? t('place.wholeCountry')}</strong>
          {place.unit && <span className="mono muted"> ({place.unit})</span>}
          {place.oldOnly && <span className="muted small"> · {t('place.onOldMap')}</span>}
        </div>
        <button
          ref={toggle}
          type="button"
          className="button"
          aria-expanded={picking}
          aria-controls={`${id}-picker`}
          onClick={() => setPicking((p) => !p)}
        >
          {t('place.change')}
        </button>
        <YearSelect id={`${id}-year`} value={place.year} onChange={(year) => onChange({ year })} />
      </div>
      {picking && (
        <div id={`${id}-picker`}>
          <UnitPicker onPick={pick} onClose={close} />
        </div>
      )}
      {place.mapChoice && (
        <div className="placebar-row">
          <MapSwitch value={place.map} onChange={(map) => onChange({ map })} />
        </div>
      )}
    </div>
  );
}
