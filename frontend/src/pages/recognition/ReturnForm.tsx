/** The reason a sheet goes back to its scorer (required, as the API requires it). */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

export function ReturnForm({ busy, onCancel, onSubmit }: { busy: boolean; onCancel: () => void; onSubmit: (reason: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => ref.current?.focus(), []);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) {
      setMissing(true);
      ref.current?.focus();
      return;
    }
    onSubmit(reason.trim());
  }

  return (
    <form className="recog-return" onSubmit={submit} noValidate>
      <div className={`field${missing ? ' has-error' : ''}`}>
        <label htmlFor={`${id}-reason`}>
          {t('recognition.inbox.reason')} <span className="required">*</span>
        </label>
        <textarea
          id={`${id}-reason`}
          ref={ref}
          rows={2}
          maxLength={1000}
          required
          value={reason}
          aria-invalid={missing || undefined}
          aria-describedby={missing ? `${id}-err` : undefined}
          onChange={(e) => {
            setReason(e.target.value);
            setMissing(false);
          }}
        />
        {missing && (
          <p id={`${id}-err`} className="field-error">
            {t('recognition.inbox.reasonRequired')}
          </p>
        )}
      </div>
      <div className="inline-actions">
        <button type="submit" className="button button-danger" disabled={busy}>
          {t('recognition.inbox.confirmReturn')}
        </button>
        <button type="button" className="button button-quiet" onClick={onCancel}>
          {t('recognition.inbox.cancel')}
        </button>
      </div>
    </form>
  );
}
