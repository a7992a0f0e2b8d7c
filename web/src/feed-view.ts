/** The public feed: `publicCreations` (what everyone may see of a published video), newest first, live. */
import type { Firestore } from "firebase/firestore";
import type { PublicCreation } from "../../client";
import { fill, h, panel } from "./dom";
import { dateTimeText, millisOf } from "./format";
import { aspectClass, videoPlayer } from "./media";
import { listen, publishedFeed } from "./reads";
import type { View } from "./view";

export function feedView(db: Firestore): View {
  const list = h("div", { class: "cards feed", "data-testid": "feed" });
  const empty = h("p", { class: "muted" }, "No published videos yet.");
  const problem = h("p", { class: "error", role: "alert" });
  // Players are kept by id so a new snapshot does not restart the videos already shown.
  const items = new Map<string, { el: HTMLElement; url: string }>();

  const stop = listen(publishedFeed(db), problem, "The feed", (snap) => {
    const shown = new Set<string>();
    const els = snap.docs.map((doc) => {
      const c = doc.data() as PublicCreation;
      shown.add(doc.id);
      let item = items.get(doc.id);
      if (!item || item.url !== c.mediaUrl) {
        item = { el: feedItem(doc.id, c), url: c.mediaUrl };
        items.set(doc.id, item);
      }
      return item.el;
    });
    for (const id of items.keys()) if (!shown.has(id)) items.delete(id);
    fill(list, ...els);
    empty.hidden = els.length > 0;
  });
  return { el: panel("feed", "Public feed", problem, empty, list), stop };
}

function feedItem(id: string, c: PublicCreation): HTMLElement {
  const by = c.creatorName ? ` · by ${c.creatorName}` : "";
  return h(
    "article",
    { class: "card creation", "data-creation-id": id },
    h("div", { class: `media ${aspectClass(c.aspectRatio)}` }, videoPlayer(c.mediaUrl)),
    h(
      "div",
      { class: "body" },
      h("p", { class: "prompt" }, c.prompt),
      h(
        "p",
        { class: "muted small" },
        `${c.duration} s · ${dateTimeText(millisOf(c.publishedAt))}${by}`,
      ),
    ),
  );
}
