/** The token ledger: `transactions where userId == uid`, newest first, live. */
import type { Firestore } from "firebase/firestore";
import { fill, h, panel } from "./dom";
import { dateTimeText, ledgerTypeText, millisOf, signedAmount } from "./format";
import { listen, myLedger } from "./reads";
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
  const stop = listen(myLedger(db, uid), problem, "The ledger", (snap) => {
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
  });
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
    el: panel("ledger", "Token ledger", problem, h("div", { class: "scroll" }, table)),
    stop,
  };
}
