// The user's token ledger, read like an app would: transactions where userId == uid.
// A one-off query (not a listener: the stand-in's query listeners miss later documents).
import {
  collection,
  getDocs,
  query,
  where,
  type Firestore,
  type Timestamp,
} from "firebase/firestore";

export interface LedgerRow {
  id: string;
  type: string;
  amount: number;
  timestamp: Timestamp | null;
  details: Record<string, unknown>;
}

export async function ledgerOf(db: Firestore, uid: string): Promise<LedgerRow[]> {
  const snap = await getDocs(query(collection(db, "transactions"), where("userId", "==", uid)));
  const rows = snap.docs.map((d) => ({ id: d.id, ...(d.data() as Omit<LedgerRow, "id">) }));
  return rows.sort((a, b) => (a.timestamp?.toMillis() ?? 0) - (b.timestamp?.toMillis() ?? 0));
}

export function formatLedger(rows: LedgerRow[]): string {
  return rows
    .map((row) => {
      const amount = `${row.amount > 0 ? "+" : ""}${row.amount}`.padStart(5);
      const what = [row.details.creationId, row.details.reason]
        .filter((v): v is string => typeof v === "string")
        .join("  ");
      const when = row.timestamp ? row.timestamp.toDate().toISOString().slice(11, 19) : "--:--:--";
      return `    ${when}  ${row.type.padEnd(16)} ${amount}  ${String(what)}`;
    })
    .join("\n");
}

export const sumOf = (rows: LedgerRow[]) => rows.reduce((sum, row) => sum + row.amount, 0);
