/**
 * Recognition (/api/v1/recognition): registrations with their score sheets, evidence, verification,
 * decisions, criteria sets and the statistics (issue 16). Every list is inside the caller's unit scope.
 */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { ApiError, isProblem, unwrap } from './problem';
import { exportCsv } from './registries';
import type { components } from './schema';

type S = components['schemas'];
export type Registration = S['RegistrationOut'];
export type CriteriaSet = S['CriteriaSetOut'];
export type CriteriaVersion = S['CriteriaVersionOut'];
export type Decision = S['DecisionOut'];
export type DecisionIn = S['DecisionIn'];
export type Evidence = S['EvidenceOut'];
export type Title = Registration['title'];
export type TargetGroup = NonNullable<Registration['target_group']>;

export const TITLES: readonly Title[] = ['gia_dinh', 'dong_ho', 'cong_dong', 'don_vi', 'cong_dan', 'cong_dong_xa'];
export const GROUPS: readonly TargetGroup[] = ['nong_dan', 'cong_nhan', 'can_bo'];
export const STATUSES = ['registered', 'scored', 'returned', 'verified', 'recognised'] as const;
export type RegStatus = (typeof STATUSES)[number];
/** Sheets that may be scored (again): the API refuses the others. */
export const SCORABLE: readonly string[] = ['registered', 'scored', 'returned'];

export interface RegFilters {
  unit?: string;
  year: number;
  title?: Title;
  target_group?: TargetGroup;
  status?: RegStatus;
  village?: string;
}

export const PAGE_SIZE = 50;
const ROOT = ['recognition'] as const;

function query(f: RegFilters): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') out[k] = v as string | number;
  return out;
}

export async function listRegistrations(f: RegFilters, cursor: string | undefined, limit = PAGE_SIZE, signal?: AbortSignal) {
  return unwrap(
    await api.GET('/api/v1/recognition/registrations', {
      params: { query: { ...query(f), limit, cursor } as never },
      signal,
      cache: 'no-store',
    }),
  );
}

export function useRegistrations(f: RegFilters, cursor: string | undefined, limit = PAGE_SIZE) {
  return useQuery({
    queryKey: [...ROOT, 'list', f, cursor ?? null, limit],
    queryFn: ({ signal }) => listRegistrations(f, cursor, limit, signal),
    placeholderData: keepPreviousData,
  });
}

/** Every id of a filtered set (for bulk work on a set the API's selection cannot name, e.g. one village). */
export async function allIds(f: RegFilters, maxPages = 200): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await listRegistrations(f, cursor, 1000);
    ids.push(...page.items.map((r) => r.id));
    cursor = page.next_cursor ?? undefined;
    if (!cursor) break;
  }
  return ids;
}

export interface LoadedRegistration {
  record: Registration;
  etag: string | null;
}

export function useRegistration(id: number) {
  return useQuery({
    queryKey: [...ROOT, 'one', id],
    queryFn: async ({ signal }): Promise<LoadedRegistration> => {
      const r = await api.GET('/api/v1/recognition/registrations/{record_id}', {
        params: { path: { record_id: id } },
        signal,
        cache: 'no-store',
      });
      return { record: unwrap(r), etag: r.response.headers.get('ETag') };
    },
  });
}

export function useCriteriaVersions() {
  return useQuery({
    queryKey: [...ROOT, 'criteria'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/recognition/criteria', { signal })),
    staleTime: 10 * 60_000,
  });
}

/**
 * The criteria set version a sheet is read on: the one it was scored on once verified; while it may
 * still be scored, the newest published for its year or before (the API scores on that one).
 */
export function versionFor(reg: Registration, versions: readonly CriteriaVersion[]): number {
  if (reg.criteria_version && !SCORABLE.includes(reg.status)) return reg.criteria_version;
  const mine = versions.filter(
    (v) => v.title === reg.title && (v.target_group ?? null) === (reg.target_group ?? null) && (v.year === null || v.year <= reg.year),
  );
  return Math.max(1, ...mine.map((v) => v.version));
}

export function useCriteriaSet(title: Title | undefined, group: TargetGroup | null | undefined, version: number | undefined) {
  return useQuery({
    enabled: !!title && !!version,
    queryKey: [...ROOT, 'criteria', title, group ?? null, version],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/recognition/criteria/{title}/{version}', {
          params: { path: { title: title ?? 'gia_dinh', version: version ?? 1 }, query: { target_group: group ?? undefined } },
          signal,
        }),
      ),
    staleTime: 10 * 60_000,
  });
}

export async function putScores(id: number, scores: Record<string, number>, etag: string | null): Promise<LoadedRegistration> {
  const r = await api.PUT('/api/v1/recognition/registrations/{record_id}/scores', {
    params: { path: { record_id: id } },
    body: { scores },
    headers: etag ? { 'If-Match': etag } : {},
  });
  return { record: unwrap(r), etag: r.response.headers.get('ETag') };
}

export async function verifyOne(id: number, accept: boolean, reason?: string): Promise<Registration> {
  return unwrap(
    await api.POST('/api/v1/recognition/registrations/{record_id}/verify', {
      params: { path: { record_id: id } },
      body: { accept, reason: reason || null },
    }),
  );
}

export async function bulkVerify(f: RegFilters, ids: number[] | null, accept: boolean, reason?: string) {
  if (!f.title) throw new Error('title');
  return unwrap(
    await api.POST('/api/v1/recognition/verifications', {
      body: {
        unit_code: f.unit || null,
        title: f.title,
        year: f.year,
        target_group: f.target_group ?? null,
        ids,
        accept,
        reason: reason || null,
      },
    }),
  );
}

export async function createDecision(body: DecisionIn): Promise<Decision> {
  return unwrap(await api.POST('/api/v1/recognition/decisions', { body }));
}

export function useDecisions(unit: string | undefined, year: number, title: Title | undefined) {
  return useQuery({
    queryKey: [...ROOT, 'decisions', unit ?? null, year, title ?? null],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/recognition/decisions', {
          params: { query: { unit: unit || undefined, year, title, limit: 100 } },
          signal,
          cache: 'no-store',
        }),
      ),
  });
}

/** A decision's list (the API's CSV of its registrations, every page). */
export function decisionListCsv(decisionId: number): Promise<string> {
  return exportCsv('/api/v1/recognition/registrations', { decision_id: decisionId });
}

export function useEvidence(id: number) {
  return useQuery({
    queryKey: [...ROOT, 'evidence', id],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/recognition/registrations/{record_id}/evidence', { params: { path: { record_id: id } }, signal })),
  });
}

export async function uploadEvidence(id: number, file: File, indexCode: string): Promise<Evidence> {
  const form = new FormData();
  form.append('file', file, file.name);
  return unwrap(
    await api.POST('/api/v1/recognition/registrations/{record_id}/evidence', {
      params: { path: { record_id: id }, query: { index_code: indexCode } },
      body: { file: '' },
      bodySerializer: () => form,
    }),
  );
}

export async function fetchEvidenceFile(evidenceId: number): Promise<Blob> {
  const { data, error, response } = await api.GET('/api/v1/recognition/evidence/{evidence_id}', {
    params: { path: { evidence_id: evidenceId } },
    parseAs: 'blob',
  });
  if (error !== undefined || !response.ok || !(data instanceof Blob)) throw new ApiError(response.status, isProblem(error) ? error : null);
  return data;
}

export function useRates(unit: string | undefined, year: number) {
  return useQuery({
    enabled: !!unit,
    queryKey: [...ROOT, 'rates', unit, year],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/recognition/stats/rates', { params: { query: { unit: unit ?? '', year } }, signal, cache: 'no-store' })),
  });
}

export function useDistribution(unit: string | undefined, year: number, title: Title, group: TargetGroup | undefined) {
  return useQuery({
    enabled: !!unit,
    queryKey: [...ROOT, 'distribution', unit, year, title, group ?? null],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/recognition/stats/distribution', {
          params: { query: { unit: unit ?? '', year, title, target_group: group } },
          signal,
          cache: 'no-store',
        }),
      ),
  });
}

/** After a sheet, a verification or a decision: every recognition list and figure is stale, and so is reconciliation. */
export function useAfterRecognitionChange() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ROOT }),
      qc.invalidateQueries({ queryKey: ['reports', 'reconciliation'] }),
      qc.invalidateQueries({ queryKey: ['stats'] }),
    ]);
}
