/** Direct Firestore access for assertions, through the same Admin SDK the functions use. */
import { firestore } from "../functions/src/adapters/firebase";

export const db = () => firestore();

/** A user with a balance, and the grant entry that explains it (so the ledger audit holds). */
export async function setBalance(uid: string, tokenBalance: number): Promise<void> {
  const batch = db().batch();
  batch.set(db().collection("users").doc(uid), { tokenBalance, totalTokensSpent: 0 });
  batch.set(db().collection("transactions").doc(`fixture_${uid}`), {
    userId: uid,
    type: "grant",
    amount: tokenBalance,
    details: { reason: "test fixture" },
    timestamp: new Date(),
  });
  await batch.commit();
}

export async function ledgerOf(
  uid: string,
): Promise<Array<{ id: string; type: string; amount: number; details: Record<string, unknown> }>> {
  const snap = await db().collection("transactions").where("userId", "==", uid).get();
  return snap.docs.map((doc) => ({
    id: doc.id,
    ...(doc.data() as { type: string; amount: number; details: Record<string, unknown> }),
  }));
}

export async function creationsOf(uid: string) {
  const snap = await db().collection("creations").where("userId", "==", uid).get();
  return snap.docs.map((doc) => ({ id: doc.id, ...doc.data() }));
}

export async function balanceOf(uid: string): Promise<number> {
  return (await db().collection("users").doc(uid).get()).get("tokenBalance") as number;
}
