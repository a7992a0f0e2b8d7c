/**
 * Following a creation with a document listener (`onSnapshot`). The listener ends by itself
 * at an end state, so a screen that forgets to unsubscribe does not keep a socket open.
 */
import { doc, onSnapshot, type Firestore } from "firebase/firestore";
import { isEndStatus } from "../functions/src/contract";
import type { CreationSnapshot, CreationData } from "./types";

/** `null` means the document does not exist (deleted, or not yours to read). */
export type CreationListener = (creation: CreationSnapshot | null) => void;

/** Starts a raw listener; returns its unsubscribe function. Injected so the logic is testable. */
export type Subscribe = (
  onData: (creation: CreationSnapshot | null) => void,
  onError: (err: Error) => void,
) => () => void;

/**
 * Calls `onChange` for every state of the creation and stops at an end state (draft,
 * published, failed, cancelled) or a missing document. A draft may still be published by a
 * later call; watch again if you need to see that. Returns a function that stops earlier.
 */
export function followCreation(
  subscribe: Subscribe,
  onChange: CreationListener,
  onError: (err: Error) => void = () => undefined,
): () => void {
  let stopped = false;
  // Assigned once subscribe() returns; stop() may already run from inside it.
  // eslint-disable-next-line prefer-const
  let unsubscribe: (() => void) | undefined;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    unsubscribe?.();
  };
  unsubscribe = subscribe(
    (creation) => {
      if (stopped) return;
      const last = creation === null || isEndStatus(creation.status);
      if (last) stop();
      onChange(creation);
    },
    (err) => {
      if (stopped) return;
      stop();
      onError(err);
    },
  );
  // A subscription that delivered an end state synchronously has been stopped already.
  if (stopped) unsubscribe();
  return stop;
}

/** A Firestore document listener on `creations/{id}`, as a `Subscribe`. */
export function creationSubscription(db: Firestore, creationId: string): Subscribe {
  return (onData, onError) =>
    onSnapshot(
      doc(db, "creations", creationId),
      (snap) => onData(snap.exists() ? { id: snap.id, ...(snap.data() as CreationData) } : null),
      onError,
    );
}

/** `onSnapshot` on `creations/{creationId}` that unsubscribes by itself at an end state. */
export function watchCreation(
  db: Firestore,
  creationId: string,
  onChange: CreationListener,
  onError?: (err: Error) => void,
): () => void {
  return followCreation(creationSubscription(db, creationId), onChange, onError);
}

export class WatchTimeoutError extends Error {}

export interface WaitForEndOptions {
  /** Reject after this long; default 10 minutes (the backend ends every job well before). */
  timeoutMs?: number;
  /** Also called for every intermediate state, e.g. to show progress. */
  onChange?: CreationListener;
}

/** Resolves with the creation at its end state, or `null` if the document went away. */
export function waitForEnd(
  db: Firestore,
  creationId: string,
  options: WaitForEndOptions = {},
): Promise<CreationSnapshot | null> {
  return waitForEndOf(creationSubscription(db, creationId), creationId, options);
}

/** `waitForEnd` over any `Subscribe` (tests use a fake one). */
export function waitForEndOf(
  subscribe: Subscribe,
  creationId: string,
  { timeoutMs = 600_000, onChange }: WaitForEndOptions = {},
): Promise<CreationSnapshot | null> {
  return new Promise((resolve, reject) => {
    // Assigned once the subscription exists; the timer may fire first.
    // eslint-disable-next-line prefer-const
    let stop: (() => void) | undefined;
    const timer = setTimeout(() => {
      stop?.();
      reject(new WatchTimeoutError(`creation ${creationId} did not end within ${timeoutMs} ms`));
    }, timeoutMs);
    stop = followCreation(
      subscribe,
      (creation) => {
        onChange?.(creation);
        if (creation === null || isEndStatus(creation.status)) {
          clearTimeout(timer);
          resolve(creation);
        }
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
