/**
 * The bearer token, kept in sessionStorage: it lasts for this browser tab and is gone when it closes;
 * a new tab gets it from an open one (tabs.ts).
 */

const KEY = 'kh.session';

interface Stored {
  token: string;
  /** Epoch milliseconds after which the token is no longer valid. */
  expiresAt: number;
}

function read(): Stored | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Stored>;
    if (typeof v.token !== 'string' || typeof v.expiresAt !== 'number') return null;
    return { token: v.token, expiresAt: v.expiresAt };
  } catch {
    return null;
  }
}

/** The current token, or null when there is none or it has expired. */
export function getToken(now: number = Date.now()): string | null {
  const s = read();
  if (!s) return null;
  if (s.expiresAt <= now) {
    clearToken();
    return null;
  }
  return s.token;
}

export function saveToken(token: string, expiresInSeconds: number, now: number = Date.now()): void {
  saveSession(token, now + expiresInSeconds * 1000);
}

/** The token with its expiry, as another tab hands it over (see tabs.ts). */
export function saveSession(token: string, expiresAt: number): void {
  const stored: Stored = { token, expiresAt };
  sessionStorage.setItem(KEY, JSON.stringify(stored));
}

/** The stored session when it is still valid. */
export function getSession(now: number = Date.now()): Stored | null {
  const s = read();
  return s && s.expiresAt > now ? s : null;
}

export function clearToken(): void {
  try {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(UNIT_KEY);
  } catch {
    /* nothing stored */
  }
}

const UNIT_KEY = 'kh.unit';

/**
 * The signed-in user's unit (null: the whole country), kept beside the token so that a reload
 * can ask for the overview's figures at once, beside /me, instead of after it.
 */
export function rememberUnit(code: string | null): void {
  try {
    sessionStorage.setItem(UNIT_KEY, JSON.stringify(code));
  } catch {
    /* private mode: the overview then waits for /me */
  }
}

/** The unit remembered with the session; undefined when none is. */
export function rememberedUnit(): string | null | undefined {
  try {
    const raw = sessionStorage.getItem(UNIT_KEY);
    if (raw === null) return undefined;
    const v: unknown = JSON.parse(raw);
    return v === null || typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
