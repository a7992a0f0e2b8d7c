/**
 * The daily welcome budget in shard documents (`welcomeBudget/{day}_{shard}`), so sign-ups
 * never queue on one document. A sign-up tries shards from a random one until one has room.
 */
import { FieldValue, type Transaction } from "firebase-admin/firestore";
import {
  budgetDay,
  shardCapacity,
  shardOrder,
  WELCOME_BUDGET_SHARDS,
} from "../domain/welcome-policy";
import { collections, firestore } from "./firebase";

/**
 * Reads shards inside `tx` (before any of its writes) until one has room for one more grant
 * of `amount` tokens.
 * Returns the write that takes the tokens (to run with the transaction's other writes), or
 * null when the day's budget is spent.
 */
export async function reserveWelcomeBudget(
  tx: Transaction,
  amount: number,
  dailyBudget: number,
  nowMs: number,
): Promise<(() => void) | null> {
  const day = budgetDay(nowMs);
  const start = Math.floor(Math.random() * WELCOME_BUDGET_SHARDS);
  for (const shard of shardOrder(start)) {
    const ref = firestore().collection(collections.welcomeBudget).doc(`${day}_${shard}`);
    const snap = await tx.get(ref);
    const grants = (snap.get("grants") as number | undefined) ?? 0;
    const tokens = (snap.get("tokens") as number | undefined) ?? 0;
    if (grants < shardCapacity(dailyBudget, amount, shard)) {
      return () =>
        tx.set(ref, {
          day,
          shard,
          grants: grants + 1,
          tokens: tokens + amount,
          updatedAt: FieldValue.serverTimestamp(),
        });
    }
  }
  return null;
}
