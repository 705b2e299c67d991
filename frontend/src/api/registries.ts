/**
 * The registries (/api/v1/associations, /funds, /awards, /commendations, /inspections,
 * /partnerships, /activities): one shape for all of them — a filtered, paginated list (CSV too),
 * create (201), read with its ETag, change and delete with If-Match (412 when stale).
 *
 * The seven share their paths' shape, so the generic calls below go through the same typed
 * client with the path built at run time; the rows keep their generated types.
 */
import { keepPreviousData, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from './client';
import { ApiError, isProblem, unwrap } from './problem';
import type { components } from './schema';

type S = components['schemas'];
export type Association = S['AssociationOut'];
export type AssociationYear = S['AssociationYearOut'];
export type Fund = S['FundOut'];
export type FundEntry = S['EntryOut'];
export type FundEntryIn = S['EntryIn'];
export type FundSummary = S['FundSummary'];
export type Award = S['AwardOut'];
export type AwardCategory = S['CategoryOut'];
export type Commendation = S['CommendationOut'];
export type Inspection = S['InspectionOut'];
export type Partnership = S['PartnershipOut'];
export type Activity = S['ActivityOut'];
export type ImportJob = S['ImportJobOut'];

export const REGISTRIES = ['associations', 'funds', 'awards', 'commendations', 'inspections', 'partnerships', 'activities'] as const;
export type RegistryKind = (typeof REGISTRIES)[number];

/** What every registry row has. */
export interface BaseRow {
  id: number;
  unit_code: string;
  version: number;
}

export type Filters = Record<string, string | number | undefined>;

export const REGISTRY_PAGE_SIZE = 50;

interface LooseResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}
type LooseInit = {
  params?: { query?: Record<string, unknown> };
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  parseAs?: 'json' | 'text' | 'blob';
};
type LooseCall = (path: string, init?: LooseInit) => Promise<LooseResult>;

// The typed client, called with a path known only at run time (the registries share one shape).
const loose = {
  GET: api.GET as unknown as LooseCall,
  POST: api.POST as unknown as LooseCall,
  PATCH: api.PATCH as unknown as LooseCall,
  PUT: api.PUT as unknown as LooseCall,
  DELETE: api.DELETE as unknown as LooseCall,
};

function base(kind: RegistryKind): string {
  return `/api/v1/${kind}`;
}

function clean(f: Filters): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export const registryKey = (kind: RegistryKind) => ['registries', kind] as const;

export async function listRecords<T>(kind: RegistryKind, filters: Filters, cursor: string | undefined, limit = REGISTRY_PAGE_SIZE, signal?: AbortSignal): Promise<Page<T>> {
  const query = { ...clean(filters), limit, cursor };
  return unwrap(await loose.GET(base(kind), { params: { query }, signal })) as Page<T>;
}

export function useRegistryList<T>(kind: RegistryKind, filters: Filters, cursor: string | undefined) {
  return useQuery({
    queryKey: [...registryKey(kind), 'list', filters, cursor ?? null],
    queryFn: ({ signal }) => listRecords<T>(kind, filters, cursor, REGISTRY_PAGE_SIZE, signal),
    placeholderData: keepPreviousData,
  });
}

/** A record as the server has it now, with the ETag to send back with a change. */
export interface Loaded<T> {
  record: T;
  etag: string | null;
}

export async function fetchRecord<T>(kind: RegistryKind, id: number): Promise<Loaded<T>> {
  const result = await loose.GET(`${base(kind)}/${id}`);
  return { record: unwrap(result) as T, etag: result.response.headers.get('ETag') };
}

function ifMatch(etag: string | null): Record<string, string> {
  return etag ? { 'If-Match': etag } : {};
}

export async function createRecord<T>(kind: RegistryKind, body: Record<string, unknown>): Promise<T> {
  return unwrap(await loose.POST(base(kind), { body })) as T;
}

export async function updateRecord<T>(kind: RegistryKind, id: number, body: Record<string, unknown>, etag: string | null): Promise<T> {
  return unwrap(await loose.PATCH(`${base(kind)}/${id}`, { body, headers: ifMatch(etag) })) as T;
}

export async function deleteRecord(kind: RegistryKind, id: number, etag: string | null): Promise<void> {
  unwrap(await loose.DELETE(`${base(kind)}/${id}`, { headers: ifMatch(etag), parseAs: 'text' }));
}

/**
 * Delete the row the user saw: read it first, and refuse (as a 412 would) when it changed since
 * the list was loaded; then delete with that version's ETag.
 */
export async function deleteSeen(kind: RegistryKind, row: BaseRow): Promise<void> {
  const { record, etag } = await fetchRecord<BaseRow>(kind, row.id);
  if (record.version !== row.version) throw staleError();
  await deleteRecord(kind, row.id, etag);
}

export function staleError(): ApiError {
  return new ApiError(412, {
    type: 'urn:khuyenhoc:problem:precondition-failed',
    title: 'Precondition Failed',
    status: 412,
    detail: 'Bản ghi đã được thay đổi từ lúc bạn tải về; hãy tải lại và sửa trên bản mới nhất.',
  });
}

/**
 * A whole list as one CSV text from the API's own CSV (`?format=csv`): pages are followed
 * through the `X-Next-Cursor` header and joined under the first page's header row.
 */
export async function exportCsv(path: string, query: Filters, maxPages = 100): Promise<string> {
  let cursor: string | undefined;
  let out = '';
  for (let page = 0; page < maxPages; page++) {
    const { data, error, response } = await loose.GET(path, {
      params: { query: { ...clean(query), limit: 1000, cursor, format: 'csv' } },
      parseAs: 'text',
    });
    if (error !== undefined || !response.ok || typeof data !== 'string') {
      throw new ApiError(response.status, isProblem(error) ? error : null);
    }
    if (page === 0) {
      out = data;
    } else {
      const body = data.replace(/^\uFEFF/, '');
      const firstBreak = body.indexOf('\n');
      out += firstBreak < 0 ? '' : body.slice(firstBreak + 1);
    }
    cursor = response.headers.get('X-Next-Cursor') ?? undefined;
    if (!cursor) break;
  }
  return out.startsWith('\uFEFF') ? out : '\uFEFF' + out;
}

export function exportRegistryCsv(kind: RegistryKind, filters: Filters): Promise<string> {
  return exportCsv(base(kind), filters);
}

/** After a registry changed: its lists, and what is computed from registries, are stale. */
export async function afterRegistryChange(qc: QueryClient, ...kinds: RegistryKind[]): Promise<void> {
  await Promise.all([
    ...kinds.map((k) => qc.invalidateQueries({ queryKey: registryKey(k) })),
    qc.invalidateQueries({ queryKey: ['reports', 'reconciliation'] }),
    qc.invalidateQueries({ queryKey: ['funds'] }),
  ]);
}

export function useAfterChange() {
  const qc = useQueryClient();
  return (...kinds: RegistryKind[]) => afterRegistryChange(qc, ...kinds);
}

// ---------- associations: members and rating by year ----------

export function useAssociationYears(id: number) {
  return useQuery({
    queryKey: [...registryKey('associations'), 'years', id],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/associations/{record_id}/years', { params: { path: { record_id: id } }, signal })),
  });
}

export async function putAssociationYear(id: number, year: number, body: S['AssociationYearIn']): Promise<AssociationYear> {
  return unwrap(
    await api.PUT('/api/v1/associations/{record_id}/years/{year}', { params: { path: { record_id: id, year } }, body }),
  );
}

// ---------- funds: the ledger, entries, the summary ----------

export const FUND_ENTRIES_PAGE = 200;

export async function fetchEntries(fundId: number, cursor: string | undefined, signal?: AbortSignal) {
  return unwrap(
    await api.GET('/api/v1/funds/{record_id}/entries', {
      params: { path: { record_id: fundId }, query: { limit: FUND_ENTRIES_PAGE, cursor } },
      signal,
    }),
  );
}

export async function postEntry(fundId: number, body: FundEntryIn): Promise<FundEntry> {
  return unwrap(await api.POST('/api/v1/funds/{record_id}/entries', { params: { path: { record_id: fundId } }, body }));
}

export function useFund(id: number | null) {
  return useQuery({
    enabled: id !== null,
    queryKey: ['funds', 'one', id],
    queryFn: async ({ signal }) =>
      // no-store: the API's ETag of a fund does not change with its balance (a revalidated copy would be stale).
      unwrap(await api.GET('/api/v1/funds/{record_id}', { params: { path: { record_id: id ?? 0 } }, signal, cache: 'no-store' })),
  });
}

export function useFundSummary(unit: string | undefined, year: number) {
  return useQuery({
    enabled: !!unit,
    queryKey: ['funds', 'summary', unit, year],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/funds/summary', { params: { query: { unit: unit ?? '', year } }, signal })),
  });
}

/** Funds to pick from (transfers, awards paid from a fund): the first 200 in a unit's subtree. */
export function useFundChoices(unit: string | undefined, enabled = true) {
  return useQuery({
    enabled,
    queryKey: [...registryKey('funds'), 'choices', unit ?? null],
    queryFn: ({ signal }) => listRecords<Fund>('funds', { unit }, undefined, 200, signal),
  });
}

/** Associations to pick as a parent or a fund's runner: the first 200 in a unit's subtree. */
export function useAssociationChoices(unit: string | undefined, enabled = true) {
  return useQuery({
    enabled,
    queryKey: [...registryKey('associations'), 'choices', unit ?? null],
    queryFn: ({ signal }) => listRecords<Association>('associations', { unit }, undefined, 200, signal),
  });
}

// ---------- awards: categories and imports ----------

export function useAwardCategories() {
  return useQuery({
    queryKey: ['award-categories'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/award-categories', { signal })).items,
    staleTime: 10 * 60_000,
  });
}

/** Send a file to import (or only check, `dryRun`); the answer is the job to follow. */
/** `skipDuplicates`: rows repeating an earlier row or an award already recorded are left out (the API's default). */
export async function startAwardImport(file: File, dryRun: boolean, skipDuplicates = true): Promise<ImportJob> {
  const form = new FormData();
  form.append('file', file, file.name);
  return unwrap(
    await api.POST('/api/v1/awards/imports', {
      params: { query: { dry_run: dryRun, duplicates: skipDuplicates ? 'skip' : 'import' } },
      body: { file: '' },
      bodySerializer: () => form,
    }),
  );
}

/** The award import's Excel template: Vietnamese columns, drop-downs of the caller's units, categories, kinds, years. */
export async function fetchAwardTemplate(): Promise<Blob> {
  const { data, error, response } = await api.GET('/api/v1/awards/imports/template.xlsx', { parseAs: 'blob' });
  if (error !== undefined || !response.ok || !(data instanceof Blob)) {
    throw new ApiError(response.status, isProblem(error) ? error : null);
  }
  return data;
}

export async function fetchImportJob(id: number, signal?: AbortSignal): Promise<ImportJob> {
  return unwrap(await api.GET('/api/v1/awards/imports/{job_id}', { params: { path: { job_id: id } }, signal }));
}

export function isFinished(job: ImportJob): boolean {
  return job.status === 'succeeded' || job.status === 'failed';
}
