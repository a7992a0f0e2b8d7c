/** The token ledger: `transactions where userId == uid`, newest first, live. */
import {
  collection,
  limit,
  onSnapshot,
  orderBy,
  query,
  where,
  type Firestore,
} from "firebase/firestore";
import { fill, h } from "./dom";
import { dateTimeText, ledgerTypeText, millisOf, signedAmount } from "./format";
import type { View } from "./view";

interface LedgerEntry {
  type: string;
  amount: number;
  timestamp?: unknown;
  details?: { creationId?: string; reason?: string };
}

export function ledgerView(db: Firestore, uid: string): View {
  const rows = h("tbody");
  const problem = h("p", { class: "error", role: "alert" });
  const stop = onSnapshot(
    query(
      collection(db, "transactions"),
      where("userId", "==", uid),
      orderBy("timestamp", "desc"),
      limit(50),
    ),
    (snap) => {
      problem.textContent = "";
      fill(
        rows,
        ...snap.docs.map((doc) => {
          const entry = doc.data() as LedgerEntry;
          const creationId = entry.details?.creationId;
          // A creation is named by the start of its id (the full id is in the tooltip).
          const what = creationId ? `#${creationId.slice(0, 8)}` : (entry.details?.reason ?? "");
          return h(
            "tr",
            { "data-type": entry.type, "data-creation-id": creationId },
            h("td", {}, dateTimeText(millisOf(entry.timestamp))),
            h(
              "td",
              { title: creationId },
              ledgerTypeText(entry.type),
              h("span", { class: "muted small" }, ` ${what}`),
            ),
            h(
              "td",
              { class: entry.amount < 0 ? "amount minus" : "amount plus" },
              signedAmount(entry.amount),
            ),
          );
        }),
      );
    },
    (err) => {
      problem.textContent = `The ledger cannot be shown right now (${err.message}).`;
    },
  );
  const table = h(
    "table",
    { class: "ledger", "data-testid": "ledger" },
    h(
      "thead",
      {},
      h("tr", {}, h("th", {}, "When"), h("th", {}, "What"), h("th", { class: "amount" }, "Tokens")),
    ),
    rows,
  );
  return {
    el: h(
      "section",
      { class: "panel", "aria-labelledby": "ledger-title" },
      h("h2", { id: "ledger-title" }, "Token ledger"),
      problem,
      h("div", { class: "scroll" }, table),
    ),
    stop,
  };
}
