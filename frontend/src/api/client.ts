/**
 * The one API client: openapi-fetch typed by the generated `schema.d.ts`.
 *
 * - Base URL: same origin by default; `VITE_API_BASE` at build time points the built dashboard
 *   at a service elsewhere (e.g. `VITE_API_BASE=https://api.example.vn npm run build`).
 * - Every request carries the bearer token when one is stored.
 * - A 401 from any call (other than the sign-in itself) clears the token and tells the
 *   listeners (the auth provider), which sends the user back to the sign-in page.
 * - Every request says the dashboard's language (Accept-Language, from `<html lang>`, which the
 *   language switch keeps): the API words import errors in English for English mode.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { clearToken, getToken } from '../auth/session';
import type { paths } from './schema';

export function apiBaseUrl(): string {
  const configured = import.meta.env.VITE_API_BASE?.trim();
  if (configured) return configured.replace(/\/+$/, '');
  return typeof window !== 'undefined' ? window.location.origin : 'http://127.0.0.1';
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever the API answers 401 to a signed-in call. Returns the unsubscribe function. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

const TOKEN_PATH = '/api/v1/auth/token';

/** The Accept-Language of the dashboard's current language (Vietnamese first unless English is chosen). */
export function acceptLanguage(): string {
  const lang = typeof document !== 'undefined' ? document.documentElement.lang : '';
  return lang === 'en' ? 'en, vi;q=0.5' : 'vi, en;q=0.5';
}

const bearer: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${token}`);
    }
    if (!request.headers.has('Accept-Language')) request.headers.set('Accept-Language', acceptLanguage());
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.endsWith(TOKEN_PATH)) {
      clearToken();
      unauthorizedListeners.forEach((l) => l());
    }
    return response;
  },
};

export const api = createClient<paths, 'application/json'>({
  baseUrl: apiBaseUrl(),
  // Looked up at call time, so tests can stub globalThis.fetch.
  fetch: (input: Request) => globalThis.fetch(input),
});
api.use(bearer);
