/**
 * Administration: users (/api/v1/users), API keys (/api/v1/api-keys) and the audit trail
 * (/api/v1/audit). Changes to a user go with If-Match; a key's secret comes only in the answer to
 * its creation and is never kept in a cache here.
 */
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from './client';
import { unwrap } from './problem';
import { exportCsv, staleError, type Filters } from './registries';
import type { components } from './schema';

type S = components['schemas'];
export type User = S['UserOut'];
export type UserCreate = S['UserCreate'];
export type UserUpdate = S['UserUpdate'];
export type ApiKey = S['ApiKeyOut'];
export type ApiKeyCreate = S['ApiKeyCreate'];
export type ApiKeyCreated = S['ApiKeyCreated'];
export type AuditEntry = S['AuditEntryOut'];
export type Role = S['Role'];

export const ROLES: readonly Role[] = ['admin', 'editor', 'viewer', 'partner'];

/** What each role may hold (mirrors the service's api/auth/scopes.py; the API checks). */
const READ = ['reports:read', 'registries:read', 'stats:read'];
const EDIT = [...READ, 'reports:write', 'reports:approve', 'registries:write', 'units:write'];
export const ROLE_SCOPES: Record<Role, readonly string[]> = {
  admin: [
    'units:write',
    'users:admin',
    'keys:admin',
    'audit:read',
    'targets:write',
    'categories:write',
    'reports:read',
    'reports:write',
    'reports:approve',
    'reports:publish',
    'registries:read',
    'registries:write',
    'stats:read',
    'sync:read',
    'sync:write',
  ],
  editor: EDIT,
  viewer: READ,
  partner: [...READ, 'reports:write', 'registries:write', 'sync:read', 'sync:write'],
};

export const usersKey = ['users'] as const;
export const keysKey = ['api-keys'] as const;

export function useUsers() {
  return useInfiniteQuery({
    queryKey: [...usersKey, 'list'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(await api.GET('/api/v1/users', { params: { query: { limit: 100, cursor: pageParam } }, signal })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export async function fetchUser(id: number): Promise<{ user: User; etag: string | null }> {
  const result = await api.GET('/api/v1/users/{user_id}', { params: { path: { user_id: id } } });
  return { user: unwrap(result), etag: result.response.headers.get('ETag') };
}

export async function createUser(body: UserCreate): Promise<User> {
  return unwrap(await api.POST('/api/v1/users', { body }));
}

export async function updateUser(id: number, body: UserUpdate, etag: string | null): Promise<User> {
  return unwrap(
    await api.PATCH('/api/v1/users/{user_id}', {
      params: { path: { user_id: id } },
      body,
      headers: etag ? { 'If-Match': etag } : {},
    }),
  );
}

/** Change the user as seen in the list: refused as stale when it changed since. */
export async function updateSeenUser(seen: User, body: UserUpdate): Promise<User> {
  const { user, etag } = await fetchUser(seen.id);
  if (user.version !== seen.version) throw staleError();
  return updateUser(seen.id, body, etag);
}

export async function deleteSeenUser(seen: User): Promise<void> {
  const { user, etag } = await fetchUser(seen.id);
  if (user.version !== seen.version) throw staleError();
  unwrap(
    await api.DELETE('/api/v1/users/{user_id}', {
      params: { path: { user_id: seen.id } },
      headers: etag ? { 'If-Match': etag } : {},
    }),
  );
}

export function useApiKeys() {
  return useInfiniteQuery({
    queryKey: [...keysKey, 'list'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(await api.GET('/api/v1/api-keys', { params: { query: { limit: 100, cursor: pageParam } }, signal })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export async function createApiKey(body: ApiKeyCreate): Promise<ApiKeyCreated> {
  return unwrap(await api.POST('/api/v1/api-keys', { body }));
}

export async function revokeApiKey(id: number): Promise<void> {
  unwrap(await api.DELETE('/api/v1/api-keys/{key_id}', { params: { path: { key_id: id } } }));
}

export interface AuditFilters {
  entity?: string | undefined;
  id?: string | undefined;
  actor?: string | undefined;
  /** RFC 3339. */
  since?: string | undefined;
  /** asc: oldest first; the dashboard shows the newest first unless asked. */
  order?: 'asc' | 'desc' | undefined;
}

export const AUDIT_PAGE_SIZE = 50;

export function useAudit(f: AuditFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: ['audit', f, cursor ?? null],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/audit', {
          params: {
            query: {
              entity: f.entity || undefined,
              id: f.id || undefined,
              actor: f.actor || undefined,
              since: f.since || undefined,
              order: f.order ?? 'desc',
              limit: AUDIT_PAGE_SIZE,
              cursor,
            },
          },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function exportAuditCsv(f: AuditFilters): Promise<string> {
  const q: Filters = { entity: f.entity, id: f.id, actor: f.actor, since: f.since, order: f.order ?? 'desc' };
  return exportCsv('/api/v1/audit', q);
}

