/**
 * A form's entries kept on this computer while they are not saved (issue 19, item 1): restored
 * after an accidental reload or a closed tab, removed once saved or undone. A draft belongs to
 * the version of the record it was typed over; when the server's version has moved on since,
 * the draft is dropped rather than laid over figures someone else saved.
 */

interface Stored<T> {
  base: string;
  values: T;
}

const PREFIX = 'kh.draft.';

export function readDraft<T>(key: string, base: string): T | null {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    if (raw === null) return null;
    const stored = JSON.parse(raw) as Stored<T>;
    if (stored.base === base) return stored.values;
    localStorage.removeItem(PREFIX + key);
  } catch {
    /* no storage, or not ours */
  }
  return null;
}

export function writeDraft<T>(key: string, base: string, values: T): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify({ base, values } satisfies Stored<T>));
  } catch {
    /* full or private mode: the guard on leaving still asks */
  }
}

export function removeDraft(key: string): void {
  try {
    localStorage.removeItem(PREFIX + key);
  } catch {
    /* nothing kept */
  }
}
