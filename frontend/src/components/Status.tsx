import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/problem';
import { datingProblemMessage } from '../lib/unitDating';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="status status-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </p>
  );
}

/** The lines to show for an error: the API's problem `detail` (and field errors), or a plain message. */
export function useErrorLines(error: unknown): string[] {
  const { t } = useTranslation();
  if (error instanceof ApiError) {
    // A code used on a date it named no unit: said from the problem's data, in the user's language.
    const dated = datingProblemMessage(error.problem);
    if (dated) return [dated];
    const lines = error.lines;
    return lines.length ? lines : [t('common.unknownError', { status: error.status })];
  }
  if (error instanceof TypeError) return [t('common.networkError')];
  if (error instanceof Error && error.message) return [error.message];
  return [t('common.networkError')];
}

export function ErrorMessage({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const { t } = useTranslation();
  const [first, ...rest] = useErrorLines(error);
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">{title ?? t('common.errorTitle')}</p>
      <p>{first}</p>
      {rest.length > 0 && (
        <ul>
          {rest.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
