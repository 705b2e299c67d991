/**
 * Phiếu chấm điểm (/cong-nhan/phieu/<id>?<filters>): one registrant per screen, for a commune
 * volunteer on a phone — the criteria sheet with a big number box per index, the running total and
 * the pass rule live, save, and the previous/next registrant of the list the volunteer came from.
 */
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useCriteriaSet, useCriteriaVersions, useRegistration, useRegistrations, versionFor } from '../../api/recognition';
import { useAuth, type Me } from '../../auth/AuthProvider';
import { ErrorMessage, Loading } from '../../components/Status';
import { useDocumentTitle } from '../../components/UnderConstruction';
import { canWriteRegistries } from '../registries/RegistryTab';
import { useRecognitionFilters } from './filters';
import { sheetHref, StatusTag, titleLabel } from './parts';
import { SheetForm } from './SheetForm';
import './recognition.css';

/**
 * The list around the registrant (its filters, up to 500): its place and neighbours. A sheet just
 * saved may leave the list (filtered on "not scored"): the last list that held it still leads on.
 */
function useNeighbours(id: number) {
  const { filters, params } = useRecognitionFilters();
  const list = useRegistrations(filters, undefined, 500);
  const held = useRef<number[]>([]);
  let ids = (list.data?.items ?? []).map((r) => r.id);
  if (ids.includes(id)) held.current = ids;
  else if (held.current.includes(id)) ids = held.current;
  const i = ids.indexOf(id);
  return {
    search: params.toString(),
    index: i,
    total: ids.length,
    prev: i > 0 ? ids[i - 1] : undefined,
    next: i >= 0 && i < ids.length - 1 ? ids[i + 1] : undefined,
  };
}

/** Sheets are scored by the commune or village where the registrant is (the API says so too); the levels above verify. */
export function canScore(me: Me | undefined): boolean {
  return canWriteRegistries(me) && (me?.unit_level === 'commune' || me?.unit_level === 'village');
}

export function ScoreSheetPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const id = Number(useParams().id);
  const reg = useRegistration(id);
  const versions = useCriteriaVersions();
  const record = reg.data?.record;
  const version = record && versions.data ? versionFor(record, versions.data) : undefined;
  const set = useCriteriaSet(record?.title, record?.target_group, version);
  const around = useNeighbours(id);
  useDocumentTitle(record ? t('recognition.sheet.pageTitle', { name: record.name }) : t('nav.recognition'));
  const listHref = `/cong-nhan/dang-ky${around.search ? `?${around.search}` : ''}`;

  return (
    <section aria-labelledby="page-title" className="recognition recog-sheet">
      <p className="breadcrumb">
        <Link to={listHref}>← {t('recognition.sheet.back')}</Link>
      </p>
      {(reg.isPending || versions.isPending || (record && set.isPending)) && <Loading />}
      {reg.isError && <ErrorMessage error={reg.error} onRetry={() => void reg.refetch()} />}
      {set.isError && <ErrorMessage error={set.error} onRetry={() => void set.refetch()} />}
      {record && (
        <header className="recog-sheet-head">
          <h1 id="page-title">{record.name}</h1>
          <p className="muted">
            {[record.village, titleLabel(t, record), record.year].filter(Boolean).join(' · ')} <StatusTag status={record.status} />
          </p>
        </header>
      )}
      {around.index >= 0 && (
        <nav className="recog-neighbours" aria-label={t('recognition.sheet.position', { n: around.index + 1, total: around.total })}>
          {around.prev !== undefined ? (
            <Link className="button" to={sheetHref(around.prev, around.search)} rel="prev">
              ← {t('recognition.sheet.prev')}
            </Link>
          ) : (
            <span />
          )}
          <span className="muted small">{t('recognition.sheet.position', { n: around.index + 1, total: around.total })}</span>
          {around.next !== undefined ? (
            <Link className="button" to={sheetHref(around.next, around.search)} rel="next">
              {t('recognition.sheet.next')} →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      )}
      {record && reg.data && set.data && (
        <SheetForm
          key={`${record.id}-${set.data.version}`}
          loaded={reg.data}
          set={set.data}
          canWrite={canWriteRegistries(me)}
          canScore={canScore(me)}
        />
      )}
    </section>
  );
}
