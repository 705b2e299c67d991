/**
 * Annual reports (/api/v1/reports): the list, one report with its ETag, saving with If-Match,
 * the workflow steps and the history. Every change refreshes the lists and the statistics.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { ReportIn } from '../lib/reportFields';
import { api } from './client';
import { ApiError, isProblem, unwrap } from './problem';
import type { components } from './schema';

export type Report = components['schemas']['ReportOut'];
export type ReportStatus = components['schemas']['ReportStatus'];
export type HistoryEntry = components['schemas']['ReportHistoryEntry'];
export const REPORT_STATUSES: readonly ReportStatus[] = ['draft', 'submitted', 'approved'];

export function parseStatus(v: string | null): ReportStatus | undefined {
  return REPORT_STATUSES.find((s) => s === v);
}

export interface ReportListFilters {
  year?: number | undefined;
  status?: ReportStatus | undefined;
  unit?: string | undefined;
}

export const REPORTS_PAGE_SIZE = 50;

export function useReportList(f: ReportListFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: ['reports', 'list', f, cursor ?? null],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/reports', {
          params: { query: { year: f.year, status: f.status, unit: f.unit || undefined, limit: REPORTS_PAGE_SIZE, cursor } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** A report and the ETag to send back with a change; `report` null when there is none yet. */
export interface LoadedReport {
  report: Report | null;
  etag: string | null;
}

export const reportKey = (unit: string, year: number) => ['reports', 'one', unit, year] as const;

/**
 * The unit's report of the year. Whether there is one is asked of the list (`?exact=true`: an empty
 * list, not a 404 the browser would log as an error, when the unit has none yet); only a report that
 * exists is then read, for its ETag.
 */
export function useReport(unit: string, year: number, enabled = true) {
  return useQuery({
    enabled,
    queryKey: reportKey(unit, year),
    queryFn: async ({ signal }): Promise<LoadedReport> => {
      const found = unwrap(
        await api.GET('/api/v1/reports', { params: { query: { unit, year, exact: true } }, signal }),
      );
      if (found.items.length === 0) return { report: null, etag: null };
      const result = await api.GET('/api/v1/reports/{unit_code}/{year}', {
        params: { path: { unit_code: unit, year } },
        signal,
      });
      if (result.response.status === 404) return { report: null, etag: null }; // deleted meanwhile
      const report = unwrap(result);
      return { report, etag: result.response.headers.get('ETag') };
    },
    // The form works on what the server had when it was opened: no refetch behind its back.
    staleTime: Infinity,
  });
}

export function useReportHistory(unit: string, year: number, enabled = true) {
  return useQuery({
    queryKey: ['reports', 'history', unit, year],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/reports/{unit_code}/{year}/history', {
          params: { path: { unit_code: unit, year } },
          signal,
        }),
      ).items,
    enabled,
  });
}

function ifMatch(etag: string | null): Record<string, string> {
  return etag ? { 'If-Match': etag } : {};
}

async function afterChange(qc: QueryClient, unit: string, year: number, loaded: LoadedReport) {
  qc.setQueryData(reportKey(unit, year), loaded);
  await Promise.all([
    // Without an ETag in the answer, read the report again to get one.
    loaded.etag ? Promise.resolve() : qc.invalidateQueries({ queryKey: reportKey(unit, year) }),
    qc.invalidateQueries({ queryKey: ['reports', 'list'] }),
    qc.invalidateQueries({ queryKey: ['reports', 'history', unit, year] }),
    qc.invalidateQueries({ queryKey: ['reports', 'reconciliation', unit, year] }),
    qc.invalidateQueries({ queryKey: ['stats'] }),
  ]);
}

export type WorkflowAction = 'submit' | 'approve' | 'reopen';

/** Save the figures (PUT with If-Match), then optionally submit; each step refreshes the caches. */
export function useReportMutations(unit: string, year: number) {
  const qc = useQueryClient();

  const save = useMutation({
    mutationFn: async ({ body, etag }: { body: ReportIn; etag: string | null }): Promise<LoadedReport> => {
      const result = await api.PUT('/api/v1/reports/{unit_code}/{year}', {
        params: { path: { unit_code: unit, year } },
        body,
        headers: ifMatch(etag),
      });
      const report = unwrap(result);
      return { report, etag: result.response.headers.get('ETag') };
    },
    onSuccess: (loaded) => afterChange(qc, unit, year, loaded),
  });

  const step = useMutation({
    mutationFn: async ({
      action,
      etag,
      reason = '',
    }: {
      action: WorkflowAction;
      etag: string | null;
      /** Approve: an optional note; reopen: why (required by the service). */
      reason?: string;
    }): Promise<LoadedReport> => {
      const options = { params: { path: { unit_code: unit, year } }, headers: ifMatch(etag) };
      const note = reason.trim();
      const result =
        action === 'submit'
          ? await api.POST('/api/v1/reports/{unit_code}/{year}/submit', options)
          : action === 'approve'
            ? await api.POST('/api/v1/reports/{unit_code}/{year}/approve', { ...options, body: note ? { reason: note } : null })
            : await api.POST('/api/v1/reports/{unit_code}/{year}/reopen', { ...options, body: { reason: note } });
      const report = unwrap(result);
      return { report, etag: result.response.headers.get('ETag') };
    },
    onSuccess: (loaded) => afterChange(qc, unit, year, loaded),
  });

  // Fill the draft's registry-derived figures from the registries (creates the draft if none).
  const prefill = useMutation({
    mutationFn: async ({ etag }: { etag: string | null }): Promise<LoadedReport> => {
      const result = await api.POST('/api/v1/reports/{unit_code}/{year}/prefill', {
        params: { path: { unit_code: unit, year } },
        headers: ifMatch(etag),
      });
      const report = unwrap(result);
      return { report, etag: result.response.headers.get('ETag') };
    },
    onSuccess: (loaded) => afterChange(qc, unit, year, loaded),
  });

  return { save, step, prefill };
}

export type Reconciliation = components['schemas']['Reconciliation'];
export type ReconciliationItem = components['schemas']['ReconciliationItem'];

/** Each figure the registries can derive, beside the report's. */
export function useReconciliation(unit: string, year: number, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['reports', 'reconciliation', unit, year],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/reports/{unit_code}/{year}/reconciliation', {
          params: { path: { unit_code: unit, year } },
          signal,
        }),
      ),
  });
}

export async function fetchReconciliationCsv(unit: string, year: number): Promise<string> {
  const { data, error, response } = await api.GET('/api/v1/reports/{unit_code}/{year}/reconciliation', {
    params: { path: { unit_code: unit, year }, query: { format: 'csv' } },
    parseAs: 'text',
  });
  if (error !== undefined || !response.ok || typeof data !== 'string') {
    throw new ApiError(response.status, isProblem(error) ? error : null);
  }
  return data.startsWith('\uFEFF') ? data : '\uFEFF' + data;
}

/** The figures of a unit and of each of its children (approved reports) as an Excel workbook. */
export async function fetchSummaryXlsx(unit: string, year: number, asOf: string | undefined): Promise<Blob> {
  const { data, error, response } = await api.GET('/api/v1/reports/{unit_code}/{year}/summary.xlsx', {
    params: { path: { unit_code: unit, year }, query: { as_of: asOf } },
    parseAs: 'blob',
  });
  if (error !== undefined || !response.ok || !(data instanceof Blob)) {
    throw new ApiError(response.status, isProblem(error) ? error : null);
  }
  return data;
}

/** True for the API's "someone else changed it meanwhile" answer. */
export function isConflict(e: unknown): e is ApiError {
  return e instanceof ApiError && e.status === 412;
}

export const INBOX_PAGE_SIZE = 100;

/** Chờ duyệt: the submitted reports waiting for the signed-in approver's decision (GET /reports?awaiting=me). */
export function useInbox(cursor: string | undefined, enabled = true) {
  return useQuery({
    enabled,
    // Under ['reports', 'list'] so that every workflow step (afterChange) refreshes it and its count.
    queryKey: ['reports', 'list', 'awaiting-me', cursor ?? null],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/reports', {
          params: { query: { awaiting: 'me', limit: INBOX_PAGE_SIZE, cursor } },
          signal,
        }),
      ),
  });
}
