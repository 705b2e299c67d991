/**
 * The one unit picker: a combobox (ARIA 1.2 pattern, focus stays in the input and
 * aria-activedescendant names the highlighted option) searching units by name without
 * diacritics or by code; each option shows the units above it and its validity dates, so
 * four "Phường Lê Hồng Phong" differ; the chosen unit is shown by its name.
 */
import { useQuery } from '@tanstack/react-query';
import i18n from 'i18next';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { searchUnits } from '../api/unitSearch';
import type { Unit } from '../api/units';
import { formatDate } from '../lib/format';
import { unitNameOf, useUnitLookup } from './UnitName';

export interface UnitComboboxProps {
  id: string;
  label: string;
  /** The chosen unit's code ('' for none). */
  value: string;
  onChange: (code: string, unit?: Unit) => void;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
}

const CODE = /^\d{2,5}(-[0-9A-Za-z]{1,12})?$/;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** "từ 01/07/2025" / "01/01/2008 – 30/06/2025" / "đang hoạt động". */
export function validityText(u: Pick<Unit, 'valid_from' | 'valid_to'>): string {
  const t = i18n.t.bind(i18n);
  if (u.valid_to) return `${u.valid_from ? formatDate(u.valid_from) : '…'} – ${formatDate(u.valid_to)}`;
  return u.valid_from ? t('picker.since', { from: formatDate(u.valid_from) }) : t('picker.always');
}

export function UnitCombobox({ id, label, value, onChange, hint, error, required }: UnitComboboxProps) {
  const { t } = useTranslation();
  const uid = useId();
  const listId = `${uid}-list`;
  const chosen = useUnitLookup(value);
  const chosenName = unitNameOf(chosen.data);
  const [text, setText] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  // The name of the option just chosen, shown before the chosen code's own lookup answers.
  const [picked, setPicked] = useState<Unit | null>(null);
  const q = useDebounced((text ?? '').trim(), 200);
  const found = useQuery({
    queryKey: ['units', 'search', q],
    queryFn: ({ signal }) => searchUnits(q, signal),
    enabled: open && q.length >= 2,
    staleTime: 5 * 60_000,
  });
  const options = open && q.length >= 2 ? (found.data ?? []) : [];
  // While not typing, the input shows the chosen unit by its name (its code until the name is known).
  const known = chosenName ?? (picked?.code === value ? picked.name : undefined);
  const shown = text ?? (value ? (known ?? value) : '');

  function pick(u: Unit) {
    onChange(u.code, u);
    setPicked(u);
    setText(null);
    setOpen(false);
    setActive(-1);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      if (options.length === 0) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (a + step + options.length) % options.length);
    } else if (e.key === 'Enter' && open && active >= 0 && options[active]) {
      e.preventDefault(); // choosing, not submitting the form
      pick(options[active]);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      setActive(-1);
    }
  }

  const hintId = hint ? `${uid}-hint` : undefined;
  const errorId = error ? `${uid}-error` : undefined;
  const describedBy = [hintId, errorId, value && chosenName ? `${uid}-chosen` : undefined].filter(Boolean).join(' ');
  return (
    <div className={error ? 'field unit-combobox has-error' : 'field unit-combobox'}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        role="combobox"
        aria-expanded={open && options.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && active >= 0 && options[active] ? `${uid}-opt-${active}` : undefined}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        autoComplete="off"
        maxLength={100}
        placeholder={t('picker.placeholder')}
        value={shown}
        onChange={(e) => {
          setText(e.target.value);
          setActive(-1);
          // A code typed in full is a choice by itself (those who know their codes keep typing
          // them): no list then, it would only cover what comes next.
          const typed = e.target.value.trim();
          const isCode = CODE.test(typed);
          setOpen(!isCode);
          if (typed === '' || isCode) onChange(typed);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          // After a click on an option (mousedown keeps the focus), or leaving the field: close.
          setOpen(false);
          setText(null);
        }}
      />
      {hint && (
        <span id={hintId} className="hint">
          {hint}
        </span>
      )}
      {value && chosenName && (
        <span id={`${uid}-chosen`} className="hint unit-chosen">
          {t('picker.chosen', { name: chosenName })}
          {chosen.data && !chosen.data.onNew ? ` · ${t('place.onOldMap')}` : ''} <span className="mono">({value})</span>
        </span>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
      <ul id={listId} role="listbox" aria-label={t('picker.results')} className="combobox-list" hidden={options.length === 0}>
        {options.map((u, i) => (
          <li
            key={`${u.code}-${u.valid_from ?? ''}`}
            id={`${uid}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'combobox-option active' : 'combobox-option'}
            onMouseDown={(e) => {
              e.preventDefault();
              pick(u);
            }}
          >
            <span className="picker-name">{u.name}</span>
            <span className="muted small">
              {[...u.parent_names, t(`units.levels.${u.level}`)].join(' · ')}
            </span>
            <span className="muted small">
              <span className="mono">{u.code}</span> · {validityText(u)}
            </span>
          </li>
        ))}
      </ul>
      <p className="muted small combobox-status" role="status" aria-live="polite">
        {open && q.length >= 2 && found.isFetching ? t('picker.searching') : ''}
        {open && q.length >= 2 && found.isSuccess && found.data.length === 0 ? t('picker.noMatch') : ''}
      </p>
    </div>
  );
}
