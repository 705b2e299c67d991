import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { vi } from 'vitest';
import { AuthProvider } from '../auth/AuthProvider';
import '../i18n';

export function renderApp(ui: ReactNode, { route = '/' }: { route?: string } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  // A data router, as in App.tsx, so that forms can guard their unsaved changes.
  const router = createMemoryRouter([{ path: '*', element: <AuthProvider>{ui}</AuthProvider> }], {
    initialEntries: [route],
  });
  return render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

export function json(body: unknown, status = 200, contentType = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}

export function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): Response {
  return json({ type: `https://khuyenhoc.vn/problems/${status}`, title, status, detail, ...extra }, status, 'application/problem+json');
}

type Handler = (req: Request) => Response | Promise<Response>;

/**
 * `GET /reports?unit=X&year=Y&exact=true` as the API answers it, from the test's stub of
 * `GET /reports/X/Y`: that report in a list, or an empty list where the stub has none (or a 404).
 */
async function exactReport(routes: Record<string, Handler>, url: URL, input: Request): Promise<Response | null> {
  if (url.pathname !== '/api/v1/reports' || url.searchParams.get('exact') !== 'true') return null;
  const one = routes[`GET /api/v1/reports/${url.searchParams.get('unit')}/${url.searchParams.get('year')}`];
  const answer = one ? await one(input) : null;
  const items = answer && answer.ok ? [await answer.json()] : [];
  return json({ items, next_cursor: null });
}

/** Stub fetch with handlers by "METHOD /path"; returns the mock to inspect the requests. */
export function stubApi(routes: Record<string, Handler>) {
  const mock = vi.fn(async (input: Request) => {
    const url = new URL(input.url);
    if (!routes[`${input.method} ${url.pathname}`]) {
      const exact = await exactReport(routes, url, input);
      if (exact) return exact;
    }
    const handler = routes[`${input.method} ${url.pathname}`];
    if (!handler) return problem(404, 'Not Found', `no stub for ${input.method} ${url.pathname}`);
    return handler(input);
  });
  vi.stubGlobal('fetch', mock);
  return mock;
}

export const ME = {
  kind: 'user',
  id: 1,
  username: 'nguyenvana',
  display_name: 'Nguyễn Văn A',
  role: 'admin',
  scopes: ['units:read'],
  unit_code: '34',
  unit_name: 'Tỉnh Thái Bình',
  unit_level: 'province',
};
