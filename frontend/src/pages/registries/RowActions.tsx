/**
 * A registry row's buttons (for RegistryTab): its detail panel (the association's years, the fund's
 * ledger), change, and delete with a confirmation in place.
 */
import { useTranslation } from 'react-i18next';

export function RowActions({
  title,
  confirming,
  busy,
  canWrite,
  detail,
  onConfirm,
  onRemove,
  onEdit,
  onDetail,
}: {
  /** The record's name, in the buttons' accessible names. */
  title: string;
  confirming: boolean;
  busy: boolean;
  canWrite: boolean;
  detail?: { label: string; aria: string; open: boolean } | undefined;
  onConfirm: (yes: boolean) => void;
  onRemove: () => void;
  onEdit: () => void;
  onDetail: () => void;
}) {
  const { t } = useTranslation();
  if (confirming) {
    return (
      <span className="confirm" role="group" aria-label={t('registries.confirmDelete', { name: title })}>
        <span className="confirm-text">{t('registries.confirmDelete', { name: title })}</span>
        <button type="button" className="button button-danger" disabled={busy} onClick={onRemove}>
          {t('registries.delete')}
        </button>
        <button type="button" className="button" autoFocus onClick={() => onConfirm(false)}>
          {t('registries.form.cancel')}
        </button>
      </span>
    );
  }
  return (
    <span className="row-actions">
      {detail && (
        <button type="button" className="button button-small" aria-pressed={detail.open} aria-label={detail.aria} onClick={onDetail}>
          {detail.label}
        </button>
      )}
      {canWrite && (
        <>
          <button
            type="button"
            className="button button-small"
            disabled={busy}
            aria-label={t('registries.editNamed', { name: title })}
            onClick={onEdit}
          >
            {t('registries.edit')}
          </button>
          <button
            type="button"
            className="button button-small button-quiet-danger"
            aria-label={t('registries.deleteNamed', { name: title })}
            onClick={() => onConfirm(true)}
          >
            {t('registries.delete')}
          </button>
        </>
      )}
    </span>
  );
}
