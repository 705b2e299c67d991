/**
 * The one form state every form of the dashboard uses (issue 19): its field errors, the failure
 * its summary shows, whether it is busy sending, whether it has unsaved changes (and the guard
 * that asks before they are lost: useUnsavedGuard), and the wiring of each field to its error.
 *
 *   const form = useFormState(name !== '' || unit !== '');
 *   <input id={form.fieldId('name')} {...form.aria('name', hintId)} />
 *   <FieldError form={form} name="name" />
 *   await form.run(() => save(body), (err) => problemFieldErrors(err).fields);
 *
 * The errors of a problem come from the one mapper, `problemFieldErrors` (api/problem.ts); the
 * form's summary gets the focus when a send fails (`summaryRef`), so that a screen reader reads it.
 */
import { useCallback, useId, useRef, useState, type RefObject } from 'react';
import { useUnsavedGuard } from './useUnsavedGuard';

export type FormErrors = Record<string, string[] | undefined>;

export interface FormState {
  /** A prefix unique to this form, for the ids of its fields and their errors. */
  id: string;
  errors: FormErrors;
  setErrors: (errors: FormErrors) => void;
  /** What the last send failed with (an ApiError, or an Error of the form's own checks); null if none. */
  failure: unknown;
  setFailure: (failure: unknown) => void;
  busy: boolean;
  dirty: boolean;
  /** How many field messages there are (for the summary's "N errors"). */
  errorCount: number;
  /** The element the summary is in: focused when a send fails. */
  summaryRef: RefObject<HTMLDivElement | null>;
  /** Forget the errors and the failure (before a new send, or when the user starts over). */
  reset: () => void;
  /** Show a failure: its field messages on the fields, the summary focused. */
  fail: (failure: unknown, fields?: FormErrors) => void;
  /** Send: busy while `work` runs; when it throws, `fields(err)` are the messages by field. */
  run: (work: () => Promise<void>, fields?: (err: unknown) => FormErrors) => Promise<boolean>;
  /** The id of a field's error message. */
  errorId: (name: string) => string;
  /** aria-invalid and aria-describedby of a field (its hints first, then its error). */
  aria: (name: string, ...hints: (string | undefined)[]) => { 'aria-invalid': true | undefined; 'aria-describedby': string | undefined };
}

export function useFormState(dirty: boolean, { guard = true }: { guard?: boolean } = {}): FormState {
  const id = useId();
  const [errors, setErrors] = useState<FormErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const summaryRef = useRef<HTMLDivElement | null>(null);
  const busyRef = useRef(false);
  // A form being sent is not "unsaved" (its own navigation after saving must not be asked about).
  useUnsavedGuard(guard && !busy && dirty);

  const reset = useCallback(() => {
    setErrors({});
    setFailure(null);
  }, []);

  const fail = useCallback((f: unknown, fields: FormErrors = {}) => {
    setErrors(fields);
    setFailure(f);
    requestAnimationFrame(() => summaryRef.current?.focus());
  }, []);

  const run = useCallback(
    async (work: () => Promise<void>, fields?: (err: unknown) => FormErrors): Promise<boolean> => {
      if (busyRef.current) return false;
      busyRef.current = true;
      setBusy(true);
      try {
        await work();
        return true;
      } catch (err) {
        fail(err, fields ? fields(err) : {});
        return false;
      } finally {
        busyRef.current = false;
        setBusy(false);
      }
    },
    [fail],
  );

  const errorId = (name: string) => `${id}-${name}-error`;
  const aria = (name: string, ...hints: (string | undefined)[]) => ({
    'aria-invalid': errors[name]?.length ? (true as const) : undefined,
    'aria-describedby': [...hints, errors[name]?.length ? errorId(name) : ''].filter(Boolean).join(' ') || undefined,
  });
  const errorCount = Object.values(errors).reduce((n, list) => n + (list?.length ?? 0), 0);

  return { id, errors, setErrors, failure, setFailure, busy, dirty, errorCount, summaryRef, reset, fail, run, errorId, aria };
}

/** A field's error messages, under the field, with the id its aria-describedby names. */
export function FieldError({ form, name }: { form: Pick<FormState, 'errors' | 'errorId'>; name: string }) {
  const list = form.errors[name];
  if (!list?.length) return null;
  return (
    <p id={form.errorId(name)} className="field-error">
      {list.join(' · ')}
    </p>
  );
}
