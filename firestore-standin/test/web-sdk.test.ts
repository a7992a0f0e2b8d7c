// The `firebase` web SDK (Node build) against FIRESTORE_EMULATOR_HOST: it writes through the
// Write stream and multiplexes all listeners on one Listen stream, unlike firebase-admin.
// It is a client SDK, so security rules apply: it runs in a project of its own with open rules
// (the local stack loads firestore.rules for every other project).
import { expect } from "chai";
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import {
  collection,
  connectFirestoreEmulator,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  getFirestore,
  increment,
  limit,
  limitToLast,
  onSnapshot,
  orderBy,
  query,
  runTransaction,
  serverTimestamp,
  setDoc,
  startAfter,
  Timestamp,
  updateDoc,
  where,
  type Firestore,
} from "firebase/firestore";

import { emulatorHost, loadRules, OPEN_RULES, resetFirestore, waitUntil } from "./helpers";

const WEB_PROJECT = "demo-standin-web";

describe("Firestore conformance: web SDK", function () {
  this.timeout(120_000);
  let app: FirebaseApp;
  let db: Firestore;

  before(async () => {
    await loadRules(WEB_PROJECT, OPEN_RULES);
    const [host, port] = emulatorHost().split(":");
    app = initializeApp({ projectId: WEB_PROJECT, apiKey: "demo-key" }, `web-${Date.now()}`);
    db = getFirestore(app);
    connectFirestoreEmulator(db, host ?? "127.0.0.1", Number(port));
  });
  after(async () => {
    await deleteApp(app);
  });
  beforeEach(() => resetFirestore(WEB_PROJECT));

  it("writes with transforms, runs a transaction, and serves two listeners at once", async () => {
    const ref = doc(db, "web/a");
    await setDoc(ref, { n: 1, owner: "u1" });
    await updateDoc(ref, { at: serverTimestamp(), n: increment(1) });
    const after = (await getDoc(ref)).data();
    expect(after?.n).to.equal(2);
    expect(after?.at).to.be.instanceOf(Timestamp);

    const docValues: unknown[] = [];
    const querySizes: number[] = [];
    const stopDoc = onSnapshot(ref, (s) => docValues.push(s.get("n")));
    const stopQuery = onSnapshot(query(collection(db, "web"), where("owner", "==", "u1")), (s) =>
      querySizes.push(s.size),
    );
    try {
      await runTransaction(db, async (tx) => {
        const snap = await tx.get(ref);
        tx.update(ref, { n: (snap.get("n") as number) + 1 });
      });
      await setDoc(doc(db, "web/b"), { owner: "u1" });
      await waitUntil(() => docValues.includes(3), 30_000, "the document listener");
      await waitUntil(() => querySizes.at(-1) === 2, 30_000, "the query listener");
    } finally {
      stopDoc();
      stopQuery();
    }
  });

  it("paginates with cursors and keeps a limitToLast listener in order as documents move", async () => {
    for (const [id, n] of [
      ["a", 1],
      ["b", 2],
      ["c", 3],
      ["d", 4],
    ] as const) {
      await setDoc(doc(db, "pages", id), { n });
    }
    const byN = query(collection(db, "pages"), orderBy("n"));
    const firstPage = await getDocs(query(byN, limit(2)));
    const last = firstPage.docs[firstPage.docs.length - 1];
    const secondPage = await getDocs(query(byN, startAfter(last), limit(2)));
    expect(secondPage.docs.map((d) => d.id)).to.deep.equal(["c", "d"]);

    let seen: string[] = [];
    const stop = onSnapshot(query(byN, limitToLast(2)), (s) => (seen = s.docs.map((d) => d.id)));
    try {
      await waitUntil(() => seen.join() === "c,d", 30_000, "the first snapshot");
      await updateDoc(doc(db, "pages/a"), { n: 10 });
      await waitUntil(() => seen.join() === "d,a", 30_000, "a moved into the window");
      await deleteDoc(doc(db, "pages/a"));
      await waitUntil(() => seen.join() === "c,d", 30_000, "a deleted from the window");
    } finally {
      stop();
    }
  });
});
