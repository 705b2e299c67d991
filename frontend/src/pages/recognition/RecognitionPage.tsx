/**
 * Công nhận (/cong-nhan/<tab>): the recognition process of a unit and year (issue 16) — the
 * registrations and their sheets, the verification inbox of the level above, the decisions, and
 * the statistics. The filters live in the URL and are shared by the tabs.
 */
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { Tabs } from '../../components/Tabs';
import { useDocumentTitle } from '../../components/UnderConstruction';
import { DecisionTab } from './DecisionTab';
import { FilterBar } from './FilterBar';
import { filterParams, useRecognitionFilters } from './filters';
import { InboxTab } from './InboxTab';
import { RegistrationList } from './RegistrationList';
import { StatsTab } from './StatsTab';
import './recognition.css';

const TABS = [
  { id: 'dang-ky', key: 'list' },
  { id: 'tham-dinh', key: 'inbox' },
  { id: 'quyet-dinh', key: 'decide' },
  { id: 'thong-ke', key: 'stats' },
] as const;

export function RecognitionPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { tab } = useParams();
  const current = TABS.find((x) => x.id === tab) ?? TABS[0];
  const label = t(`recognition.tabs.${current.key}`);
  useDocumentTitle(`${label} · ${t('nav.recognition')}`);
  const { filters, params, setParams } = useRecognitionFilters();

  function select(id: string) {
    const keep = new URLSearchParams(params);
    keep.delete('status');
    void navigate(`/cong-nhan/${id}?${keep.toString()}`);
  }

  return (
    <section aria-labelledby="page-title" className="recognition">
      <h1 id="page-title">{t('recognition.title')}</h1>
      <p className="muted">{t('recognition.intro')}</p>
      <FilterBar filters={filters} showStatus={current.key === 'list'} onApply={(f) => setParams(filterParams(f))} />
      <Tabs
        label={t('nav.recognition')}
        idPrefix="recog"
        tabs={TABS.map((x) => ({ id: x.id, label: t(`recognition.tabs.${x.key}`) }))}
        current={current.id}
        onSelect={select}
      >
        <h2 className="tab-title">{label}</h2>
        {current.key === 'list' && <RegistrationList filters={filters} search={params.toString()} />}
        {current.key === 'inbox' && <InboxTab filters={filters} search={params.toString()} />}
        {current.key === 'decide' && <DecisionTab filters={filters} />}
        {current.key === 'stats' && <StatsTab filters={filters} />}
      </Tabs>
    </section>
  );
}
