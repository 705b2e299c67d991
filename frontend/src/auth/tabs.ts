/**
 * Sharing the session with the user's other tabs (a Ctrl+click, a link pasted into a new tab).
 *
 * Why a BroadcastChannel hand-off and not localStorage: the token stays in sessionStorage, so it
 * still disappears when the last tab of the dashboard closes — commune offices share computers,
 * and a token left in localStorage would sign the next person in for hours. A new tab without a
 * token asks the open tabs (same origin only, never sent over the network) and waits briefly for
 * an answer; signing out in one tab signs every tab out.
 */
import { clearToken, getSession, rememberUnit, rememberedUnit, saveSession } from './session';

const CHANNEL = 'kh.session';
/** Other tabs answer within a few milliseconds; a lone tab waits this long before the sign-in page. */
const WAIT_MS = 250;
/**
 * An answer that comes later (the open tab busy drawing its charts, a loaded machine) still signs this
 * tab in, from the sign-in page it has shown meanwhile, for this long after asking.
 */
const LATE_MS = 10_000;

type Message =
  | { kind: 'ask' }
  | { kind: 'give'; token: string; expiresAt: number; unit: string | null | undefined }
  | { kind: 'signed-out' };

function open(): BroadcastChannel | null {
  try {
    return typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  } catch {
    return null;
  }
}

let channel: BroadcastChannel | null = null;
const signedOutListeners = new Set<() => void>();
const signedInListeners = new Set<() => void>();
/** Until when this tab takes a session handed over: only while it is waiting for an answer to its own question. */
let acceptUntil = 0;

/**
 * Answer other tabs' questions for as long as this tab lives and follow a sign-out made in
 * another tab. Resolves once this tab has a session, or when none came within WAIT_MS.
 */
export async function shareSessionAcrossTabs(): Promise<void> {
  channel ??= open();
  const ch = channel;
  if (!ch) return;
  let handed: () => void = () => undefined;
  const got = new Promise<void>((resolve) => (handed = resolve));
  ch.onmessage = (e: MessageEvent<Message>) => {
    const m = e.data;
    if (m.kind === 'ask') {
      const s = getSession();
      if (s) ch.postMessage({ kind: 'give', token: s.token, expiresAt: s.expiresAt, unit: rememberedUnit() } satisfies Message);
    } else if (m.kind === 'give') {
      if (!getSession() && m.expiresAt > Date.now() && Date.now() <= acceptUntil) {
        acceptUntil = 0;
        saveSession(m.token, m.expiresAt);
        if (m.unit !== undefined) rememberUnit(m.unit);
        for (const f of signedInListeners) f();
      }
      handed();
    } else if (getSession()) {
      acceptUntil = 0;
      clearToken();
      for (const f of signedOutListeners) f();
    }
  };
  if (getSession()) return;
  acceptUntil = Date.now() + LATE_MS;
  ch.postMessage({ kind: 'ask' } satisfies Message);
  await Promise.race([got, new Promise((r) => setTimeout(r, WAIT_MS))]);
}

/** Tell the other tabs this user signed out, so none stays signed in behind the user's back. */
export function announceSignOut(): void {
  channel?.postMessage({ kind: 'signed-out' } satisfies Message);
}

/** Called when an open tab's answer came after this one had started signed out; returns the unsubscribe. */
export function onSignedInElsewhere(f: () => void): () => void {
  signedInListeners.add(f);
  return () => signedInListeners.delete(f);
}

/** Called when another tab signs out (the provider resets its state); returns the unsubscribe. */
export function onSignedOutElsewhere(f: () => void): () => void {
  signedOutListeners.add(f);
  return () => signedOutListeners.delete(f);
}
