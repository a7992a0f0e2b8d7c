/**
 * The daily welcome budget in shard documents (`welcomeBudget/{day}_{shard}`), so sign-ups
 * never queue on one document. A sign-up tries shards from a random one until one has room.
 */
import { FieldValue, type DocumentSnapshot, type Transaction } from "firebase-admin/firestore";
import {
  budgetDay,
  shardCapacity,
  shardOrder,
  WELCOME_BUDGET_SHARDS,
} from "../domain/welcome-policy";
import { collections, firestore } from "./firebase";

/**
 * Finds a shard with room for one more grant of `amount` tokens and reads it inside `tx`
 * (before any of its writes). A plain read of all shards first (no locks) picks the
 * candidates, so sign-ups past the budget lock nothing; the locked read re-checks the one
 * taken. Returns the write that takes the tokens (to run with the transaction's other
 * writes), or null when the day's budget is spent.
 */
export async function reserveWelcomeBudget(
  tx: Transaction,
  amount: number,
  dailyBudget: number,
  nowMs: number,
): Promise<(() => void) | null> {
  const day = budgetDay(nowMs);
  const shards = shardOrder(Math.floor(Math.random() * WELCOME_BUDGET_SHARDS));
  const refs = shards.map((shard) =>
    firestore().collection(collections.welcomeBudget).doc(`${day}_${shard}`),
  );
  const grantsIn = (snap: DocumentSnapshot) => (snap.get("grants") as number | undefined) ?? 0;
  const hasRoom = (snap: DocumentSnapshot, shard: number) =>
    grantsIn(snap) < shardCapacity(dailyBudget, amount, shard);
  const glance = await firestore().getAll(...refs);
  for (let i = 0; i < refs.length; i++) {
    if (!hasRoom(glance[i], shards[i])) continue;
    const snap = await tx.get(refs[i]);
    if (!hasRoom(snap, shards[i])) continue; // filled meanwhile: try the next candidate
    const tokens = (snap.get("tokens") as number | undefined) ?? 0;
    return () =>
      tx.set(refs[i], {
        day,
        shard: shards[i],
        grants: grantsIn(snap) + 1,
        tokens: tokens + amount,
        updatedAt: FieldValue.serverTimestamp(),
      });
  }
  return null;
}
