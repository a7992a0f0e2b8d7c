// Listener conformance in real headless Chromium: query listeners follow membership changes,
// and one page holds many listeners at once (the web SDK multiplexes them on one stream).
import { expect } from "chai";

import {
  adminDb,
  BrowserRig,
  inPage,
  TRANSPORTS,
  waitForSeen,
  type TransportName,
} from "./harness";

describe("Firestore stand-in in a browser: listeners", function () {
  this.timeout(60_000);
  const rig = new BrowserRig();
  before(() => rig.start());
  after(() => rig.stop());

  for (const transport of Object.keys(TRANSPORTS) as TransportName[]) {
    it(`${transport}: a where + orderBy + limit listener sees documents added and removed`, async () => {
      const standin = await rig.standin();
      const admin = adminDb(standin.port);
      try {
        const page = await rig.page(standin.port, transport);
        const col = admin.db.collection("tasks");
        await col.doc("a").set({ owner: "u1", rank: 1 });
        await col.doc("b").set({ owner: "u1", rank: 2 });
        await inPage(page, "watchQuery", "mine", "tasks", {
          where: ["owner", "==", "u1"],
          orderBy: "rank",
          limit: 3,
        });
        const live = (ids: string[]) => (s: { fromCache?: boolean; ids?: string[] }) =>
          s.fromCache === false && JSON.stringify(s.ids) === JSON.stringify(ids);
        await waitForSeen(page, "mine", live(["a", "b"]), "[a, b]");
        await col.doc("c").set({ owner: "u1", rank: 0 });
        await waitForSeen(page, "mine", live(["c", "a", "b"]), "c added first");
        await col.doc("d").set({ owner: "u1", rank: 5 }); // beyond the limit
        await col.doc("e").set({ owner: "u2", rank: -1 }); // someone else's
        await col.doc("a").delete();
        await waitForSeen(page, "mine", live(["c", "b", "d"]), "a removed, d moves in");
        expect(await inPage(page, "write", "update", "tasks/c", { owner: "u2" })).to.equal("ok");
        await waitForSeen(page, "mine", live(["b", "d"]), "c leaves by its own update");
        await page.context().close();
      } finally {
        await admin.close();
        await standin.stop();
      }
    });
  }

  it("serves 20 listeners on one page", async () => {
    const standin = await rig.standin();
    const admin = adminDb(standin.port);
    try {
      const page = await rig.page(standin.port);
      const ids = Array.from({ length: 20 }, (_, i) => `l${i}`);
      for (const id of ids) await inPage(page, "watchDoc", id, `many/${id}`);
      await Promise.all(ids.map((id, i) => admin.db.doc(`many/${id}`).set({ i })));
      for (const [i, id] of ids.entries()) {
        await waitForSeen(page, id, (s) => s.fromCache === false && s.data?.i === i, `${id} live`);
      }
      await Promise.all(ids.map((id) => admin.db.doc(`many/${id}`).update({ i: -1 })));
      for (const id of ids) {
        await waitForSeen(
          page,
          id,
          (s) => s.fromCache === false && s.data?.i === -1,
          `${id} updated`,
        );
      }
      await page.context().close();
    } finally {
      await admin.close();
      await standin.stop();
    }
  });
});
