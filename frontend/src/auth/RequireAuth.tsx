import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { ErrorMessage, Loading } from '../components/Status';
import { useAuth } from './AuthProvider';

/** Renders its children for a signed-in user; otherwise goes to the sign-in page and back after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { token, meQuery, signOut } = useAuth();
  const location = useLocation();

  if (token === null) {
    return <Navigate to="/dang-nhap" replace state={{ from: location.pathname + location.search }} />;
  }
  if (meQuery.isPending) {
    return (
      <div className="center-page">
        <Loading />
      </div>
    );
  }
  if (meQuery.isError) {
    return (
      <div className="center-page">
        <ErrorMessage error={meQuery.error} title={t('me.failed')} onRetry={() => void meQuery.refetch()} />
        <button type="button" className="button button-quiet" onClick={() => void signOut()}>
          {t('header.signOut')}
        </button>
      </div>
    );
  }
  return <>{children}</>;
}
