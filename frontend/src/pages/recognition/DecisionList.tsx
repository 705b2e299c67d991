/** The decisions recorded for the unit and year, each with its list to download (the API's CSV). */
import { useTranslation } from 'react-i18next';
import { decisionListCsv, useDecisions, type Title } from '../../api/recognition';
import { CsvButton } from '../../components/CsvButton';
import { ErrorMessage, Loading } from '../../components/Status';
import { formatDate, formatInteger } from '../../lib/format';

export function DecisionList({ unit, year, title }: { unit: string; year: number; title: Title | undefined }) {
  const { t } = useTranslation();
  const list = useDecisions(unit, year, title);
  const items = list.data?.items ?? [];
  return (
    <section aria-labelledby="recog-decisions" className="recog-decisions">
      <h3 id="recog-decisions">{t('recognition.decide.decisions')}</h3>
      {list.isPending && <Loading />}
      {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && items.length === 0 && <p className="empty">{t('recognition.decide.noDecisions')}</p>}
      {items.length > 0 && (
        <ul className="recog-cards">
          {items.map((d) => (
            <li key={d.id} className="recog-card">
              <div className="recog-card-head">
                <strong>{d.number}</strong>
                <span className="muted small">
                  {t(`recognition.titles.${d.title}`)} · {formatDate(d.decided_on)} · {d.authority}
                </span>
              </div>
              <div className="recog-card-score">
                {t('recognition.decide.colCount')}: <strong>{formatInteger(d.recognised)}</strong>
              </div>
              <CsvButton
                fetchCsv={() => decisionListCsv(d.id)}
                filename={`danh-sach-cong-nhan-${d.number.replace(/[^0-9A-Za-z-]+/g, '-')}.csv`}
                label={t('recognition.decide.download')}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
