// Bounded waits on state, never bare sleeps: a test either sees the state it expects
// or fails with a message that says what it was waiting for.
import type { DocumentReference, DocumentSnapshot } from "firebase-admin/firestore";

export interface WaitOptions {
  timeoutMs: number;
  /** What we wait for, for the timeout message ("creation abc to be draft"). */
  what: string;
  /** Poll interval for waitFor; default 100 ms. */
  intervalMs?: number;
}

export class WaitTimeoutError extends Error {}

/**
 * Polls `fn` until it returns something other than undefined/null/false and resolves with
 * that value. Errors thrown by `fn` count as "not yet" and the last one is reported.
 */
export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs, what, intervalMs = 100 }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const cause = lastError
        ? ` (last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})`
        : "";
      throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Resolves with the first value a listener delivers that satisfies `accept`.
 * `subscribe` starts the listener and returns its unsubscribe function.
 */
export function waitForListener<T>(
  subscribe: (onValue: (value: T) => void, onError: (err: Error) => void) => () => void,
  accept: (value: T) => boolean,
  { timeoutMs, what }: WaitOptions,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // eslint-disable-next-line prefer-const -- read by `finish` before it is assigned (sync delivery)
    let unsubscribe: (() => void) | undefined;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe?.();
      fn();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        ),
      timeoutMs,
    );
    unsubscribe = subscribe(
      (value) => {
        if (accept(value)) finish(() => resolve(value));
      },
      (err) => finish(() => reject(err)),
    );
    // The listener may have delivered synchronously before `unsubscribe` was assigned.
    if (settled) unsubscribe();
  });
}

/** Waits, with a Firestore snapshot listener, until a document satisfies `accept`. */
export function waitForDocument(
  ref: DocumentReference,
  accept: (snap: DocumentSnapshot) => boolean,
  options: WaitOptions,
): Promise<DocumentSnapshot> {
  return waitForListener<DocumentSnapshot>(
    (onValue, onError) => ref.onSnapshot(onValue, onError),
    accept,
    options,
  );
}
