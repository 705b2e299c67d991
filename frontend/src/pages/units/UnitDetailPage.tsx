import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/problem';
import { asOfFor, parseMap, useUnit, useUnitChildren, type MapChoice } from '../../api/units';
import { ErrorMessage, Loading } from '../../components/Status';
import { useDocumentTitle } from '../../components/UnderConstruction';
import { formatDate, formatInteger } from '../../lib/format';
import { datingProblemMessage } from '../../lib/unitDating';
import { useUnitEnd } from '../../lib/useUnitEnd';
import { MapSwitch } from './MapSwitch';
import { UnitTable } from './UnitsPage';

function unitHref(code: string, map: MapChoice): string {
  return `/don-vi/${encodeURIComponent(code)}?map=${map}`;
}

export function UnitDetailPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const [params, setParams] = useSearchParams();
  // An old code (not on today's map) opens on the map of its last day, unless a map was chosen.
  const { ready, ended } = useUnitEnd(params.get('map') === null ? code : null);
  const map = ended ? 'old' : parseMap(params.get('map'));
  const asOf = ended ? ended.end : asOfFor(map);
  const unit = useUnit(code, asOf, ready);
  const children = useUnitChildren(code, asOf, unit.isSuccess);
  useDocumentTitle(unit.data?.name ?? t('units.title'));

  const kids = children.data?.pages.flatMap((p) => p.items) ?? [];
  const u = unit.data;

  return (
    <section aria-labelledby="page-title">
      <p className="breadcrumb">
        <Link to={`/don-vi?map=${map}`}>← {t('units.back')}</Link>
      </p>
      <h1 id="page-title">{u ? u.name : code}</h1>
      <div className="toolbar">
        <MapSwitch value={map} onChange={(m) => setParams({ map: m })} />
      </div>

      {unit.isPending && <Loading />}
      {unit.isError &&
        (unit.error instanceof ApiError && unit.error.status === 404 ? (
          <div className="alert alert-info" role="alert">
            <p>{t('units.detail.notFound', { code })}</p>
            {datingProblemMessage(unit.error.problem) && <p>{datingProblemMessage(unit.error.problem)}</p>}
          </div>
        ) : (
          <ErrorMessage error={unit.error} onRetry={() => void unit.refetch()} />
        ))}

      {u && ended && (
        <div className="alert alert-info" role="note">
          <p>{t('dating.oldUnitMap', { end: formatDate(ended.end) })}</p>
          {u.successor_codes.length > 0 && (
            <p>
              {t('dating.seeSuccessors')} <CodeLinks codes={u.successor_codes} map="new" title={t('units.detail.successorsNote')} />
            </p>
          )}
        </div>
      )}
      {u && (
        <>
          <dl className="facts">
            <div>
              <dt>{t('units.detail.code')}</dt>
              <dd className="mono">{u.code}</dd>
            </div>
            <div>
              <dt>{t('units.detail.level')}</dt>
              <dd>{t(`units.levels.${u.level}`)}</dd>
            </div>
            <div>
              <dt>{t('units.detail.divisionType')}</dt>
              <dd>{u.division_type}</dd>
            </div>
            <div>
              <dt>{t('units.detail.parent')}</dt>
              <dd>
                {u.parent_code ? <UnitLink code={u.parent_code} map={map} /> : '—'}
              </dd>
            </div>
            <div>
              <dt>{t('units.detail.validFrom')}</dt>
              <dd>{u.valid_from ? formatDate(u.valid_from) : t('units.detail.sinceStart')}</dd>
            </div>
            <div>
              <dt>{t('units.detail.validTo')}</dt>
              <dd>{u.valid_to ? formatDate(u.valid_to) : t('units.detail.stillValid')}</dd>
            </div>
            <div>
              <dt>{t('units.detail.successors')}</dt>
              <dd>
                <CodeLinks codes={u.successor_codes} map="new" title={t('units.detail.successorsNote')} />
              </dd>
            </div>
            <div>
              <dt>{t('units.detail.predecessors')}</dt>
              <dd>
                <CodeLinks codes={u.predecessor_codes} map="old" title={t('units.detail.predecessorsNote')} />
              </dd>
            </div>
          </dl>

          <h2 id="children-title">{t('units.detail.children')}</h2>
          {children.isPending && <Loading />}
          {children.isError && <ErrorMessage error={children.error} onRetry={() => void children.refetch()} />}
          {children.isSuccess && (
            <div className="list-head">
              <p className="count" role="status">
                {kids.length === 0
                  ? t('units.detail.noChildren')
                  : t('units.detail.childrenCount', { n: formatInteger(kids.length), count: kids.length })}
              </p>
              {kids.length > 0 && (
                <Link className="button" to={`/don-vi?map=${map}&parent=${encodeURIComponent(u.code)}&level=all`}>
                  {t('units.detail.listChildren')}
                </Link>
              )}
            </div>
          )}
          {kids.length > 0 && <UnitTable units={kids} map={map} caption={t('units.detail.children')} />}
          {children.hasNextPage && (
            <p className="more">
              <button
                type="button"
                className="button"
                onClick={() => void children.fetchNextPage()}
                disabled={children.isFetchingNextPage}
              >
                {children.isFetchingNextPage ? t('units.loadingMore') : t('units.more')}
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function CodeLinks({ codes, map, title }: { codes: string[]; map: MapChoice; title: string }) {
  const { t } = useTranslation();
  if (codes.length === 0) return <>{t('units.detail.none')}</>;
  return (
    <ul className="inline-list">
      {codes.map((c) => (
        <li key={c}>
          <UnitLink code={c} map={map} title={title} />
        </li>
      ))}
    </ul>
  );
}

/** A link to a unit on a map, with its name once known ("33 · Tỉnh Hưng Yên"). */
function UnitLink({ code, map, title }: { code: string; map: MapChoice; title?: string }) {
  const unit = useUnit(code, asOfFor(map));
  return (
    <Link to={unitHref(code, map)} title={title}>
      <span className="mono">{code}</span>
      {unit.data && ` · ${unit.data.name}`}
    </Link>
  );
}
