/**
 * Every Firestore read of the app, in one place: exactly the reads `firestore.rules` allows a
 * client (its own user document, its own creations and ledger, the public feed). Each
 * listener's failure is shown in the page, never thrown.
 */
import {
  collection,
  doc,
  limit,
  onSnapshot,
  orderBy,
  query,
  where,
  type Firestore,
  type Query,
  type QuerySnapshot,
} from "firebase/firestore";

export const userDoc = (db: Firestore, uid: string) => doc(db, "users", uid);

export const myCreations = (db: Firestore, uid: string) =>
  query(
    collection(db, "creations"),
    where("userId", "==", uid),
    orderBy("createdAt", "desc"),
    limit(30),
  );

export const myLedger = (db: Firestore, uid: string) =>
  query(
    collection(db, "transactions"),
    where("userId", "==", uid),
    orderBy("timestamp", "desc"),
    limit(50),
  );

/** Published creations as everyone sees them (`publicCreations`: no internal fields). */
export const publishedFeed = (db: Firestore) =>
  query(collection(db, "publicCreations"), orderBy("publishedAt", "desc"), limit(12));

/** `onSnapshot` on a query; `problem` says what cannot be shown while the listener fails. */
export function listen(
  q: Query,
  problem: HTMLElement,
  what: string,
  onData: (snap: QuerySnapshot) => void,
): () => void {
  return onSnapshot(
    q,
    (snap) => {
      problem.textContent = "";
      onData(snap);
    },
    (err) => {
      problem.textContent = `${what} cannot be shown right now (${err.message}).`;
    },
  );
}
