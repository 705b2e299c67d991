/** The fields users and API keys share: role, scopes (a subset of the role's), unit. */
import { useTranslation } from 'react-i18next';
import { ROLE_SCOPES, ROLES, type Role } from '../../api/admin';
import { UnitCombobox } from '../../components/UnitCombobox';
import { tx } from '../../i18n/loose';

export function RoleField({ id, value, onChange }: { id: string; value: Role; onChange: (r: Role) => void }) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={id}>{t('admin.col.role')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`roles.${r}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Checkboxes of the role's scopes; none ticked means the role's defaults (all of them). */
export function ScopesField({
  id,
  role,
  value,
  onChange,
  errors,
}: {
  id: string;
  role: Role;
  value: readonly string[];
  onChange: (scopes: string[]) => void;
  errors?: string[] | undefined;
}) {
  const { t } = useTranslation();
  const allowed = ROLE_SCOPES[role];
  return (
    <fieldset className={errors?.length ? 'scopes has-error field-wide' : 'scopes field-wide'} aria-describedby={`${id}-hint`}>
      <legend>{t('admin.scopes')}</legend>
      <p id={`${id}-hint`} className="hint">
        {value.length === 0 ? t('admin.scopesDefault') : t('admin.scopesSome', { n: value.length })}
      </p>
      <div className="scope-grid">
        {allowed.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              checked={value.includes(s)}
              onChange={(e) => onChange(e.target.checked ? [...value, s] : value.filter((x) => x !== s))}
            />
            <span>
              {tx(t, `admin.scope.${s.replace(':', '_')}`, { defaultValue: s })} <span className="mono small muted">{s}</span>
            </span>
          </label>
        ))}
      </div>
      {errors?.length ? <p className="field-error">{errors.join(' · ')}</p> : null}
    </fieldset>
  );
}

/** Keep only the scopes the (new) role may hold. */
export function scopesFor(role: Role, scopes: readonly string[]): string[] {
  const allowed = ROLE_SCOPES[role];
  return scopes.filter((s) => allowed.includes(s));
}

export function UnitField({
  id,
  value,
  onChange,
  errors,
  hint,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  errors?: string[] | undefined;
  hint?: string;
}) {
  const { t } = useTranslation();
  return (
    <UnitCombobox
      id={id}
      label={t('admin.unitCode')}
      value={value.trim()}
      onChange={onChange}
      hint={`${value.trim() ? '' : t('admin.unitEmpty')}${hint ? ` ${hint}` : ''}`.trim() || undefined}
      error={errors?.length ? errors.join(' · ') : undefined}
    />
  );
}
