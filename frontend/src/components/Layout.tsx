import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { LANGUAGES } from '../i18n';

// Fetched when the menu shows "Chờ duyệt" (approvers only), not with the first script.
const InboxCount = lazy(async () => ({ default: (await import('../pages/reports/InboxCount')).InboxCount }));

interface NavItem {
  to: string;
  key: `nav.${'overview' | 'compliance' | 'inbox' | 'reports' | 'registries' | 'recognition' | 'units' | 'admin'}`;
  end: boolean;
  /** Shown only to those with one of these scopes (none: to everyone). */
  scopes?: readonly string[];
  /** The query parameters carried over from the page being left, so the chosen year stays chosen. */
  keep?: readonly string[];
}

const PLACE = ['unit', 'map', 'year'] as const;

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', key: 'nav.overview', end: true, keep: PLACE },
  { to: '/tuan-thu', key: 'nav.compliance', end: false, keep: PLACE },
  { to: '/bao-cao', key: 'nav.reports', end: false, keep: ['year'] },
  { to: '/cho-duyet', key: 'nav.inbox', end: false, scopes: ['reports:approve'] },
  { to: '/so-dang-ky', key: 'nav.registries', end: false },
  { to: '/cong-nhan', key: 'nav.recognition', end: false, scopes: ['registries:read'], keep: ['year'] },
  { to: '/don-vi', key: 'nav.units', end: false },
  { to: '/quan-tri', key: 'nav.admin', end: false, scopes: ['users:admin', 'keys:admin', 'audit:read', 'sync:read'] },
];

/** The menu entries the user may open, each linking with what it keeps of the current query. */
export function navLinks(scopes: readonly string[], search: string): { item: NavItem; to: string }[] {
  const current = new URLSearchParams(search);
  return NAV_ITEMS.filter((item) => !item.scopes || item.scopes.some((s) => scopes.includes(s))).map((item) => {
    const kept = new URLSearchParams();
    for (const name of item.keep ?? []) {
      const value = current.get(name);
      if (value) kept.set(name, value);
    }
    const query = kept.toString();
    return { item, to: query ? `${item.to}?${query}` : item.to };
  });
}

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
            {navLinks(me?.scopes ?? [], location.search).map(({ item, to }) => (
              <li key={item.to}>
                <NavLink to={to} end={item.end}>
                  {t(item.key)}
                  {item.key === 'nav.inbox' && (
                    <Suspense fallback={null}>
                      <InboxCount />
                    </Suspense>
                  )}
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
