import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { LanguageSwitch } from '../components/Layout';
import { ErrorMessage } from '../components/Status';
import { useDocumentTitle } from '../components/UnderConstruction';

interface FromState {
  from?: string;
}

export function SignInPage() {
  const { t } = useTranslation();
  const { token, me, signIn, signedOutReason } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as FromState | null)?.from ?? '/';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  useDocumentTitle(t('signIn.title'));

  if (token && me && !busy) return <Navigate to={from} replace />;

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    if (!username.trim() || !password) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    try {
      await signIn(username.trim(), password);
      void navigate(from, { replace: true });
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="signin-page">
      {/* A banner landmark: axe's "region" rule wants every piece of content inside one. */}
      <header className="signin-lang">
        <LanguageSwitch />
      </header>
      <main className="signin-card" id="main">
        <p className="brand brand-large">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <span>{t('app.name')}</span>
        </p>
        <h1>{t('signIn.title')}</h1>
        <p className="muted">{t('signIn.intro')}</p>
        {signedOutReason === 'expired' && !error && (
          <p className="alert alert-info" role="status">
            {t('signIn.expired')}
          </p>
        )}
        {signedOutReason === 'signed-out' && !error && (
          <p className="alert alert-info" role="status">
            {t('signIn.signedOut')}
          </p>
        )}
        {error !== null && <ErrorMessage error={error} title={t('signIn.failed')} />}
        {missing && (
          <p className="alert alert-error" role="alert">
            {t('signIn.required')}
          </p>
        )}
        <form onSubmit={(e) => void onSubmit(e)} noValidate aria-busy={busy}>
          <div className="field">
            <label htmlFor="username">{t('signIn.username')}</label>
            <input
              id="username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              autoFocus
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="password">{t('signIn.password')}</label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button type="submit" className="button button-primary button-block" disabled={busy}>
            {busy ? t('signIn.submitting') : t('signIn.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
