/**
 * The user's creations: a query listener (`where userId == uid`, newest first), plus a
 * document listener (`watchCreation`) on each creation submitted from this page, so its
 * progress shows at once whatever the query's latency.
 */
import type { Firestore } from "firebase/firestore";
import type { Functions } from "firebase/functions";
import { watchCreation, type CreationData, type CreationSnapshot } from "../../client";
import { fill, h, panel } from "./dom";
import { CreationCard } from "./creation-card";
import { listen, myCreations } from "./reads";
import type { View } from "./view";

export interface CreationsView extends View {
  follow(creationId: string): void;
}

export function creationsView(
  db: Firestore,
  functions: Functions,
  uid: string,
  onContinue?: (creationId: string) => void,
): CreationsView {
  const cards = new Map<string, CreationCard>();
  const list = h("div", { class: "cards", "data-testid": "my-creations" });
  const empty = h("p", { class: "muted" }, "Nothing yet: your videos appear here.");
  const problem = h("p", { class: "error", role: "alert" });
  const watches: (() => void)[] = [];

  function upsert(creation: CreationSnapshot): void {
    const card = cards.get(creation.id);
    if (card) card.update(creation);
    else cards.set(creation.id, new CreationCard(functions, creation, onContinue));
  }

  function render(): void {
    const ordered = [...cards.values()].sort((a, b) => b.createdAtMs - a.createdAtMs);
    const same =
      list.children.length === ordered.length && ordered.every((c, i) => list.children[i] === c.el);
    if (!same) fill(list, ...ordered.map((c) => c.el));
    empty.hidden = ordered.length > 0;
  }

  const stopQuery = listen(myCreations(db, uid), problem, "Your videos", (snap) => {
    for (const change of snap.docChanges()) {
      if (change.type === "removed") cards.delete(change.doc.id);
      else upsert({ id: change.doc.id, ...(change.doc.data() as CreationData) });
    }
    render();
  });

  const el = panel("mine", "My videos", problem, empty, list);
  return {
    el,
    follow(creationId) {
      watches.push(
        watchCreation(db, creationId, (creation) => {
          if (creation) upsert(creation);
          else cards.delete(creationId);
          render();
        }),
      );
    },
    stop() {
      stopQuery();
      for (const stop of watches) stop();
    },
  };
}
