import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { LANGUAGES } from '../i18n';

export const NAV_ITEMS = [
  { to: '/', key: 'nav.overview', end: true },
  { to: '/tuan-thu', key: 'nav.compliance', end: false },
  { to: '/bao-cao', key: 'nav.reports', end: false },
  { to: '/so-dang-ky', key: 'nav.registries', end: false },
  { to: '/don-vi', key: 'nav.units', end: false },
  { to: '/quan-tri', key: 'nav.admin', end: false },
] as const;

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="lang-switch" role="group" aria-label={t('header.language')}>
      {LANGUAGES.map((lng) => (
        <button
          key={lng}
          type="button"
          lang={lng}
          aria-pressed={i18n.resolvedLanguage === lng}
          onClick={() => void i18n.changeLanguage(lng)}
        >
          {lng.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

export function Layout() {
  const { t } = useTranslation();
  const { me, signOut } = useAuth();
  const [navOpen, setNavOpen] = useState(false);
  const location = useLocation();

  // Close the phone menu after moving to another page.
  useEffect(() => setNavOpen(false), [location.pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('header.skipToContent')}
      </a>
      <header className="topbar">
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={navOpen}
          aria-controls="main-nav"
          onClick={() => setNavOpen((o) => !o)}
        >
          <span aria-hidden="true">☰</span> {t('nav.menu')}
        </button>
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>{t('app.name')}</span>
        </Link>
        <div className="topbar-right">
          {me && (
            <div className="user" aria-label={t('header.user')}>
              <span className="user-name">{me.display_name}</span>
              <span className="user-unit">
                {me.unit_name ?? t('header.wholeCountry')} · {t(`roles.${me.role}`)}
              </span>
            </div>
          )}
          <LanguageSwitch />
          <button type="button" className="button button-quiet" onClick={() => void signOut()}>
            {t('header.signOut')}
          </button>
        </div>
      </header>
      <div className="body">
        <nav id="main-nav" className={navOpen ? 'sidenav open' : 'sidenav'} aria-label={t('nav.label')}>
          {me && (
            <p className="nav-user">
              <strong>{me.display_name}</strong>
              <br />
              <span className="muted small">
                {me.unit_name ?? t('header.wholeCountry')} · {t(`roles.${me.role}`)}
              </span>
            </p>
          )}
          <ul>
            {NAV_ITEMS.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end}>
                  {t(item.key)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
