/**
 * Sổ đăng ký: the detail records behind the annual reports, one tab per registry
 * (/so-dang-ky/<tab>): associations with their yearly members, funds with their ledgers, awards
 * (with the bulk import), commendations, inspections, partnerships, activities.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useAuth } from '../../auth/AuthProvider';
import { Tabs } from '../../components/Tabs';
import { useDocumentTitle } from '../../components/UnderConstruction';
import { tx } from '../../i18n/loose';
import { AssociationYears } from './AssociationYears';
import { AwardImport } from './AwardImport';
import * as configs from './configs';
import { FundLedger } from './FundLedger';
import { FundSummaryBox } from './FundSummary';
import { canWriteRegistries, RegistryTab } from './RegistryTab';

export const REGISTRY_TABS = [
  configs.associations,
  configs.funds,
  configs.awards,
  configs.commendations,
  configs.inspections,
  configs.partnerships,
  configs.activities,
] as const;

export function RegistriesPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { tab } = useParams();
  const current = REGISTRY_TABS.find((c) => c.slug === tab) ?? REGISTRY_TABS[0];
  const kindTitle = tx(t, `registries.tabs.${current.kind}`);
  useDocumentTitle(`${kindTitle} · ${t('nav.registries')}`);
  const [importOpen, setImportOpen] = useState(false);

  function select(slug: string) {
    // Keep the unit filter from one registry to the next.
    const unit = params.get('unit');
    const q = unit !== null ? `?${new URLSearchParams({ unit }).toString()}` : '';
    void navigate(`/so-dang-ky/${slug}${q}`);
  }

  let body;
  switch (current.kind) {
    case 'associations':
      body = (
        <RegistryTab
          key="associations"
          config={configs.associations}
          detail={{ label: () => t('associations.years'), aria: (r) => t('associations.yearsNamed', { name: r.name }), render: (id, close) => <AssociationYears key={id} id={id} onClose={close} /> }}
        />
      );
      break;
    case 'funds':
      body = (
        <RegistryTab
          key="funds"
          config={configs.funds}
          detail={{ label: () => t('funds.openLedger'), aria: (r) => t('funds.openLedgerNamed', { name: r.name }), render: (id, close) => <FundLedger key={id} id={id} onClose={close} /> }}
          tools={(f) => <FundSummaryBox unit={typeof f.unit === 'string' ? f.unit : undefined} />}
        />
      );
      break;
    case 'awards':
      body = (
        <RegistryTab
          key="awards"
          config={configs.awards}
          tools={() =>
            canWriteRegistries(me) ? (
              <div className="import-toggle">
                <button type="button" className="button" aria-expanded={importOpen} onClick={() => setImportOpen((o) => !o)}>
                  {importOpen ? t('awardImport.hide') : t('awardImport.open')}
                </button>
                {importOpen && <AwardImport />}
              </div>
            ) : null
          }
        />
      );
      break;
    case 'commendations':
      body = <RegistryTab key="commendations" config={configs.commendations} />;
      break;
    case 'inspections':
      body = <RegistryTab key="inspections" config={configs.inspections} />;
      break;
    case 'partnerships':
      body = <RegistryTab key="partnerships" config={configs.partnerships} />;
      break;
    case 'activities':
      body = <RegistryTab key="activities" config={configs.activities} />;
      break;
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('nav.registries')}</h1>
      <p className="muted">{t('registries.intro')}</p>
      <Tabs
        label={t('nav.registries')}
        idPrefix="reg"
        tabs={REGISTRY_TABS.map((c) => ({ id: c.slug, label: tx(t, `registries.tabs.${c.kind}`) }))}
        current={current.slug}
        onSelect={select}
      >
        <h2 className="tab-title">{kindTitle}</h2>
        <p className="muted small tab-intro">{tx(t, `registries.intros.${current.kind}`)}</p>
        {body}
      </Tabs>
    </section>
  );
}
