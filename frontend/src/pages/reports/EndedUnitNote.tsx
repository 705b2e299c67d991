import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { UnitName } from '../../components/UnitName';
import { formatDate } from '../../lib/format';
import type { UnitEnd } from '../../lib/useUnitEnd';

/**
 * Said on a report of a year after its unit ended: why it cannot be entered, who reports for the
 * area now, and the way to the unit's last report.
 */
export function EndedUnitNote({ ended, year }: { ended: UnitEnd; year: number }) {
  const { t } = useTranslation();
  const { unit, end, lastYear } = ended;
  return (
    <div className="alert alert-info ended-unit" role="note">
      <p>{t('dating.readOnlyYear', { name: unit.name, end: formatDate(end), year, last: lastYear })}</p>
      {unit.successor_codes.length > 0 && (
        <>
          <p>{t('dating.reportsNow', { year: lastYear + 1 })}</p>
          <ul className="inline-list">
            {unit.successor_codes.map((c) => (
              <li key={c}>
                <Link to={`/don-vi/${encodeURIComponent(c)}`}>
                  <UnitName code={c} />
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        <Link to={`/bao-cao/${encodeURIComponent(unit.code)}/${lastYear}`}>{t('dating.lastReport', { last: lastYear })}</Link>
      </p>
    </div>
  );
}
