/**
 * Quản trị (/quan-tri/<tab>): users, API keys, the audit trail and webhooks, each shown to those the API
 * lets manage or read it (users:admin, keys:admin, audit:read, sync:read).
 */
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { Tabs } from '../components/Tabs';
import { useDocumentTitle } from '../components/UnderConstruction';
import { ApiKeysSection } from './admin/ApiKeysSection';
import { AuditSection } from './admin/AuditSection';
import { UsersSection } from './admin/UsersSection';
import { WebhooksSection } from './admin/WebhooksSection';

const TABS = [
  { slug: 'nguoi-dung', key: 'admin.users', scope: 'users:admin' },
  { slug: 'khoa-api', key: 'admin.apiKeys', scope: 'keys:admin' },
  { slug: 'nhat-ky', key: 'admin.audit.title', scope: 'audit:read' },
  { slug: 'webhook', key: 'admin.webhooks.title', scope: 'sync:read' },
] as const;

export function AdminPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const navigate = useNavigate();
  const { tab } = useParams();
  const scopes = new Set(me?.scopes ?? []);
  const allowed = TABS.filter((x) => scopes.has(x.scope));
  const current = allowed.find((x) => x.slug === tab) ?? allowed[0];
  useDocumentTitle(current ? `${t(current.key)} · ${t('admin.title')}` : t('admin.title'));

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('admin.title')}</h1>
      <p className="muted">{t('admin.intro')}</p>
      {!current ? (
        <p className="note">{t('admin.notAllowed')}</p>
      ) : (
        <Tabs
          label={t('admin.title')}
          idPrefix="adm"
          tabs={allowed.map((x) => ({ id: x.slug, label: t(x.key) }))}
          current={current.slug}
          onSelect={(slug) => void navigate(`/quan-tri/${slug}`)}
        >
          <h2 className="tab-title">{t(current.key)}</h2>
          {current.slug === 'nguoi-dung' && <UsersSection />}
          {current.slug === 'khoa-api' && <ApiKeysSection />}
          {current.slug === 'nhat-ky' && <AuditSection />}
          {current.slug === 'webhook' && <WebhooksSection />}
        </Tabs>
      )}
    </section>
  );
}
