/**
 * The open-data page of a unit's year (/cong-khai/:unit/:year): no sign-in, approved and published
 * figures only (/api/v1/public), the targets met or not, the trend, the children ranked, and links to
 * the year's report as PDF and as a printable page. The server renders this URL's Open Graph tags
 * (api/core/dashboard.py), so a link shared in Zalo or Facebook shows a title and a description.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, apiBaseUrl } from '../../api/client';
import { ApiError } from '../../api/problem';
import { Loading } from '../../components/Status';
import { useDocumentTitle } from '../../components/UnderConstruction';
import { formatInteger, formatPercent, formatPoints, formatVndShort, type Rate } from '../../lib/format';

type Value = Rate | number | null;

function isRate(v: Value | undefined): v is Rate {
  return typeof v === 'object' && v !== null;
}

function show(key: string, v: Value | undefined): string {
  if (isRate(v)) return formatPercent(v);
  if (typeof v !== 'number') return '—';
  return key.endsWith('_vnd') ? formatVndShort(v) : formatInteger(v);
}

async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (data === undefined) throw new ApiError(response.status, error as never);
  return data;
}

export function PublicPage() {
  const { t } = useTranslation();
  const { unit = '', year = '' } = useParams();
  const y = Number(year);
  const highlights = useQuery({
    queryKey: ['public', 'highlights', unit, y],
    queryFn: () =>
      unwrap(api.GET('/api/v1/public/highlights', { params: { query: { unit, year: y } } })),
  });
  const children = useQuery({
    queryKey: ['public', 'children', unit, y],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/public/indicators', {
          params: { query: { unit, year: y, breakdown: 'children', indicator: ['members', 'membership_rate'] } },
        }),
      ),
    enabled: highlights.isSuccess,
    retry: false,
  });
  const name = highlights.data?.unit_name ?? unit;
  useDocumentTitle(t('open.title', { year, name }));

  if (highlights.isPending) return <Loading />;
  if (highlights.isError) {
    return (
      <main className="public-page">
        <h1>{t('open.title', { year, name: unit })}</h1>
        <p role="alert">{t('open.notPublished')}</p>
        <p className="no-print">
          <Link to="/dang-nhap">{t('open.signIn')}</Link>
        </p>
      </main>
    );
  }
  const h = highlights.data;
  const report = `${apiBaseUrl()}/api/v1/public/reports/${encodeURIComponent(unit)}/${y}/highlights`;
  const ranked = new Map<string, { name: string; members?: Value; rate?: Value }>();
  for (const row of children.data?.items ?? []) {
    const entry = ranked.get(row.unit_code) ?? { name: row.unit_name };
    if (row.indicator === 'members') entry.members = row.value as Value;
    if (row.indicator === 'membership_rate') entry.rate = row.value as Value;
    ranked.set(row.unit_code, entry);
  }
  const rows = [...ranked.entries()].sort(
    (a, b) => ((isRate(b[1].rate) ? b[1].rate.value : 0) ?? 0) - ((isRate(a[1].rate) ? a[1].rate.value : 0) ?? 0),
  );
  return (
    <main className="public-page">
      <h1 id="page-title">{t('open.title', { year: h.year, name: h.unit_name })}</h1>
      <p className="lead">{t('open.lead')}</p>
      <p>
        {t('open.coverage', {
          counted: formatInteger(h.coverage.counted),
          expected: formatInteger(h.coverage.expected),
          reports: formatInteger(h.coverage.reports),
        })}
      </p>
      <p className="no-print public-actions">
        <a href={`${report}?format=pdf`}>{t('open.report')}</a> · <a href={report}>{t('open.reportHtml')}</a> ·{' '}
        <button type="button" onClick={() => window.print()}>
          {t('open.print')}
        </button>
      </p>
      <h2>{t('open.figures')}</h2>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('open.indicator')}</th>
            <th scope="col">{t('open.previous', { year: h.year - 1 })}</th>
            <th scope="col">{t('open.value', { year: h.year })}</th>
            <th scope="col">{t('open.target')}</th>
          </tr>
        </thead>
        <tbody>
          {h.items.map((item) => (
            <tr key={item.key} data-key={item.key}>
              <th scope="row">{item.label}</th>
              <td className="num">{show(item.key, item.previous as Value)}</td>
              <td className="num">
                {show(item.key, item.value as Value)}
                {item.change_vs_previous_year !== null && item.kind === 'rate'
                  ? ` (${formatPoints(item.change_vs_previous_year)})`
                  : ''}
              </td>
              <td>
                {item.meets_target === null
                  ? '—'
                  : `${item.meets_target ? t('open.met') : t('open.unmet')} (${
                      item.kind === 'rate' ? formatPercent({ numerator: 0, denominator: 1, value: item.target }) : item.target
                    })`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > 0 && (
        <>
          <h2>{t('open.children')}</h2>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('open.unit')}</th>
                <th scope="col">{t('open.members')}</th>
                <th scope="col">{t('open.membershipRate')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([code, r]) => (
                <tr key={code}>
                  <th scope="row">{r.name}</th>
                  <td className="num">{show('members', r.members)}</td>
                  <td className="num">{show('membership_rate', r.rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
