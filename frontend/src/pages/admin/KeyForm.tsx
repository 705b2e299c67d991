/**
 * Creating an API key (KeyForm) and showing its secret once (SecretDialog), for ApiKeysSection.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { createApiKey, type ApiKeyCreate, type ApiKeyCreated, type Role } from '../../api/admin';
import { problemFieldErrors } from '../../api/problem';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/Status';
import { unitAsOf, useUnitLookup } from '../../components/UnitName';
import { RoleField, ScopesField, scopesFor, UnitField } from './AccessFields';
import { FieldError, useFormState } from '../../lib/useFormState';

/** A new secret, once: an API key's (by default) or a webhook's signing secret (the texts given). */
export function SecretDialog({
  created,
  onClose,
  texts,
}: {
  created: Pick<ApiKeyCreated, 'secret'> & Partial<Pick<ApiKeyCreated, 'name' | 'role'>> | null;
  onClose: () => void;
  texts?: { title: string; warning: string; about: string; label: string; copy: string; copied: string; done: string };
}) {
  const { t } = useTranslation();
  const id = useId();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    setCopied(null);
    if (created) requestAnimationFrame(() => input.current?.select());
  }, [created]);

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('no');
    }
  }

  return (
    <Dialog
      open={created !== null}
      title={texts?.title ?? t('admin.secretTitle')}
      onClose={onClose}
      labelledBy={`${id}-title`}
      // The secret is shown once only: a stray Escape must not lose it.
      onEscape={() => {
        if (copied === 'yes' || window.confirm(t('admin.secretCloseConfirm'))) onClose();
      }}
    >
      {created && (
        <div className="secret">
          <div className="alert alert-warning" role="note">
            <p className="alert-title">{t('admin.secretWarnTitle')}</p>
            <p>{texts?.warning ?? t('admin.secretWarn')}</p>
          </div>
          <p>{texts?.about ?? t('admin.secretFor', { name: created.name, role: t(`roles.${created.role ?? 'partner'}`) })}</p>
          <div className="field">
            <label htmlFor={`${id}-secret`}>{texts?.label ?? t('admin.secretLabel')}</label>
            <textarea
              id={`${id}-secret`}
              ref={input}
              className="mono secret-value"
              readOnly
              rows={2}
              spellCheck={false}
              value={created.secret}
              onFocus={(e) => e.target.select()}
            />
          </div>
          <p className="notice" role="status" aria-live="polite">
            {copied === 'yes' ? (texts?.copied ?? t('admin.copied')) : copied === 'no' ? t('admin.copyManually') : null}
          </p>
          <div className="form-actions form-actions-inline">
            <button type="button" className="button button-primary" onClick={() => void copy()}>
              {texts?.copy ?? t('admin.copy')}
            </button>
            <button type="button" className="button" onClick={onClose}>
              {texts?.done ?? t('admin.secretDone')}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

export function KeyForm({ onCreated, onCancel }: { onCreated: (k: ApiKeyCreated) => void | Promise<void>; onCancel: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [partner, setPartner] = useState('');
  const [role, setRole] = useState<Role>('partner');
  const [scopes, setScopes] = useState<string[]>([]);
  const [unit, setUnit] = useState('');
  const [expires, setExpires] = useState('');
  const form = useFormState(name !== '' || partner !== '' || unit !== '' || expires !== '');
  const { id, errors, failure, busy, aria } = form;
  const heading = useRef<HTMLHeadingElement>(null);
  const lookup = useUnitLookup(unit.trim() || null);

  useEffect(() => heading.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    form.reset();
    const local: Record<string, string[]> = {};
    if (!name.trim()) local.name = [t('registries.form.required')];
    if (partner && !/^[a-z0-9][a-z0-9-]{1,62}$/.test(partner)) local.partner = [t('admin.partnerRule')];
    if (unit.trim() && !/^\d{2,5}$/.test(unit.trim())) local.unit_code = [t('reports.open.invalidCode')];
    if (Object.keys(local).length) {
      form.fail(new Error(t('registries.form.localErrors')), local);
      return;
    }
    const body: ApiKeyCreate = {
      name: name.trim(),
      partner: partner || null,
      role,
      scopes,
      unit_code: unit.trim() || null,
      // The end of the chosen day in Vietnam.
      expires_at: expires ? `${expires}T23:59:59+07:00` : null,
    };
    const asOf = unitAsOf(lookup.data);
    if (asOf) body.unit_as_of = asOf;
    await form.run(
      async () => onCreated(await createApiKey(body)),
      (err) => problemFieldErrors(err).fields,
    );
  }

  const err = (n: string) => <FieldError form={form} name={n} />;

  return (
    <form className="record-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1} className="record-form-title">
        {t('admin.addKey')}
      </h3>
      <div ref={form.summaryRef} tabIndex={-1} className="summary-anchor">
      {failure !== null && <ErrorMessage error={failure} title={t('admin.keyFailed')} />}
      </div>
      <div className="field-grid record-grid">
        <div className={errors.name ? 'field field-wide has-error' : 'field field-wide'}>
          <label htmlFor={`${id}-name`}>{t('admin.keyName')}</label>
          <input id={`${id}-name`} value={name} maxLength={200} {...aria('name', `${id}-name-hint`)} onChange={(e) => setName(e.target.value)} />
          <span id={`${id}-name-hint`} className="hint">
            {t('admin.keyNameHint')}
          </span>
          {err('name')}
        </div>
        <div className={errors.partner ? 'field has-error' : 'field'}>
          <label htmlFor={`${id}-partner`}>{t('admin.partner')}</label>
          <input
            id={`${id}-partner`}
            value={partner}
            maxLength={63}
            autoComplete="off"
            {...aria('partner', `${id}-partner-hint`)}
            onChange={(e) => setPartner(e.target.value)}
          />
          <span id={`${id}-partner-hint`} className="hint">
            {t('admin.partnerHint')}
          </span>
          {err('partner')}
        </div>
        <RoleField
          id={`${id}-role`}
          value={role}
          onChange={(r) => {
            setRole(r);
            setScopes((s) => scopesFor(r, s));
          }}
        />
        <UnitField id={`${id}-unit`} value={unit} onChange={setUnit} errors={errors.unit_code} />
        <div className={errors.expires_at ? 'field has-error' : 'field'}>
          <label htmlFor={`${id}-expires`}>{t('admin.expiresOn')}</label>
          <input id={`${id}-expires`} type="date" value={expires} {...aria('expires_at', `${id}-expires-hint`)} onChange={(e) => setExpires(e.target.value)} />
          <span id={`${id}-expires-hint`} className="hint">
            {t('admin.expiresHint')}
          </span>
          {err('expires_at')}
        </div>
        <ScopesField id={`${id}-scopes`} role={role} value={scopes} onChange={setScopes} errors={errors.scopes} />
      </div>
      <div className="form-actions form-actions-inline">
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          {busy ? t('admin.creatingKey') : t('admin.createKey')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('registries.form.cancel')}
        </button>
      </div>
    </form>
  );
}
