// What a signed-in attacker tries with the Firebase web SDK directly against Firestore: every
// write that would touch money (balances, creation status/cost/refunds, the ledger), in every
// form the SDK offers (set, merge, update, transforms, delete, batches, transactions), plus
// reads of another user's private documents. firestore.rules must refuse all of them.
import {
  addDoc,
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  increment,
  query,
  runTransaction,
  serverTimestamp,
  setDoc,
  updateDoc,
  where,
  writeBatch,
  type Firestore,
} from "firebase/firestore";

export interface Targets {
  uid: string;
  victimUid: string;
  ownCreation: string;
  foreignCreation: string;
  ownLedgerEntry: string;
}

export interface Attempt {
  label: string;
  run: () => Promise<unknown>;
}

export function clientSdkAttempts(db: Firestore, t: Targets): Attempt[] {
  const me = doc(db, "users", t.uid);
  const victim = doc(db, "users", t.victimUid);
  const mine = doc(db, "creations", t.ownCreation);
  const theirs = doc(db, "creations", t.foreignCreation);
  const entry = doc(db, "transactions", t.ownLedgerEntry);
  const forgedCreation = {
    userId: t.uid,
    prompt: "free video",
    status: "draft",
    cost: 0,
    createdAt: serverTimestamp(),
  };
  const grant = { userId: t.uid, type: "grant", amount: 1000, timestamp: serverTimestamp() };
  const attempt = (label: string, run: () => Promise<unknown>): Attempt => ({ label, run });
  return [
    // users: the balance
    attempt("update own tokenBalance", () => updateDoc(me, { tokenBalance: 1_000_000 })),
    attempt("increment own tokenBalance", () => updateDoc(me, { tokenBalance: increment(1000) })),
    attempt("merge own tokenBalance", () =>
      setDoc(me, { tokenBalance: 1_000_000 }, { merge: true }),
    ),
    attempt("reset own totalTokensSpent", () => updateDoc(me, { totalTokensSpent: 0 })),
    attempt("replace own user document", () => setDoc(me, { tokenBalance: 1_000_000 })),
    attempt("delete own user document", () => deleteDoc(me)),
    attempt("create a second user document", () =>
      setDoc(doc(db, "users", `${t.uid}-alt`), { tokenBalance: 1_000_000 }),
    ),
    attempt("zero the victim's balance", () => updateDoc(victim, { tokenBalance: 0 })),
    // creations: status, cost, refunds
    attempt("publish own creation", () => updateDoc(mine, { status: "published" })),
    attempt("revive own failed creation as draft", () => updateDoc(mine, { status: "draft" })),
    attempt("set own creation's cost to 0", () => updateDoc(mine, { cost: 0 })),
    attempt("clear own creation's refund flag", () => updateDoc(mine, { refunded: false })),
    attempt("merge a media URL into own creation", () =>
      setDoc(mine, { mediaUrl: "https://example.com/x.mp4" }, { merge: true }),
    ),
    attempt("delete own creation", () => deleteDoc(mine)),
    attempt("forge a free draft", () =>
      setDoc(doc(db, "creations", "forged-draft"), forgedCreation),
    ),
    attempt("add a pending creation", () =>
      addDoc(collection(db, "creations"), { ...forgedCreation, status: "pending", cost: 5 }),
    ),
    attempt("cancel the victim's creation", () => updateDoc(theirs, { status: "cancelled" })),
    attempt("delete the victim's creation", () => deleteDoc(theirs)),
    attempt("put own draft into the public feed", () =>
      setDoc(doc(db, "publicCreations", t.ownCreation), { userId: t.uid, prompt: "free" }),
    ),
    // transactions: the ledger
    attempt("self-granted credit", () => setDoc(doc(db, "transactions", "forged-grant"), grant)),
    attempt("add a refund entry", () =>
      addDoc(collection(db, "transactions"), {
        ...grant,
        type: "refund",
        details: { creationId: t.ownCreation },
      }),
    ),
    attempt("zero own debit entry", () => updateDoc(entry, { amount: 0 })),
    attempt("delete own debit entry", () => deleteDoc(entry)),
    attempt("credit in the victim's name", () =>
      setDoc(doc(db, "transactions", "victim-grant"), { ...grant, userId: t.victimUid }),
    ),
    // multi-document forms
    attempt("batch: credit and raise the balance together", () => {
      const batch = writeBatch(db);
      batch.set(doc(db, "transactions", "batch-grant"), grant);
      batch.update(me, { tokenBalance: increment(1000) });
      return batch.commit();
    }),
    attempt("transaction: read own balance, write it higher", () =>
      runTransaction(db, async (tx) => {
        const snap = await tx.get(me);
        tx.update(me, { tokenBalance: Number(snap.get("tokenBalance") ?? 0) + 1000 });
      }),
    ),
    // reads of another user's private documents
    attempt("read the victim's user document", () => getDoc(victim)),
    attempt("read the victim's unpublished creation", () => getDoc(theirs)),
    attempt("list the victim's ledger", () =>
      getDocs(query(collection(db, "transactions"), where("userId", "==", t.victimUid))),
    ),
    attempt("list every user", () => getDocs(collection(db, "users"))),
    attempt("list every ledger entry", () => getDocs(collection(db, "transactions"))),
  ];
}
