// Listener conformance in real headless Chromium, in each WebChannel mode of the web SDK: live
// (not cached) snapshots of later updates, deletes and query membership changes, and many
// listeners on one page (the SDK multiplexes them on one stream).
import { expect } from "chai";

import {
  BrowserRig,
  inPage,
  TRANSPORTS,
  waitForSeen,
  withStandin,
  type Seen,
  type TransportName,
} from "./harness";

const liveIds = (ids: string[]) => (s: Seen) =>
  s.fromCache === false && JSON.stringify(s.ids) === JSON.stringify(ids);

describe("Firestore stand-in in a browser: listeners", function () {
  this.timeout(60_000);
  const rig = new BrowserRig();
  before(() => rig.start());
  after(() => rig.stop());

  for (const transport of Object.keys(TRANSPORTS) as TransportName[]) {
    it(`${transport}: a document listener sees later updates and the delete, live`, () =>
      withStandin(rig, transport, async ({ page, admin }) => {
        await admin.doc("rooms/r1").set({ n: 1 });
        await inPage(page, "watchDoc", "room", "rooms/r1");
        await waitForSeen(page, "room", (s) => s.fromCache === false && s.data?.n === 1, "n = 1");
        await admin.doc("rooms/r1").update({ n: 2 });
        await waitForSeen(page, "room", (s) => s.fromCache === false && s.data?.n === 2, "n = 2");
        expect(await inPage(page, "write", "update", "rooms/r1", { n: 3 })).to.equal("ok");
        expect((await admin.doc("rooms/r1").get()).get("n")).to.equal(3);
        await admin.doc("rooms/r1").delete();
        await waitForSeen(
          page,
          "room",
          (s) => s.fromCache === false && s.exists === false,
          "delete",
        );
        const expected = transport === "longPolling" ? "long polling" : "streaming";
        expect([...rig.channelModes(page)]).to.deep.equal([expected]);
      }));

    it(`${transport}: a where + orderBy + limit listener sees documents added and removed`, () =>
      withStandin(rig, transport, async ({ page, admin }) => {
        const col = admin.collection("tasks");
        await col.doc("a").set({ owner: "u1", rank: 1 });
        await col.doc("b").set({ owner: "u1", rank: 2 });
        await inPage(page, "watchQuery", "mine", "tasks", {
          where: ["owner", "==", "u1"],
          orderBy: "rank",
          limit: 3,
        });
        await waitForSeen(page, "mine", liveIds(["a", "b"]), "[a, b]");
        await col.doc("c").set({ owner: "u1", rank: 0 });
        await waitForSeen(page, "mine", liveIds(["c", "a", "b"]), "c added first");
        await col.doc("d").set({ owner: "u1", rank: 5 }); // beyond the limit
        await col.doc("e").set({ owner: "u2", rank: -1 }); // someone else's
        await col.doc("a").delete();
        await waitForSeen(page, "mine", liveIds(["c", "b", "d"]), "a removed, d moves in");
        expect(await inPage(page, "write", "update", "tasks/c", { owner: "u2" })).to.equal("ok");
        await waitForSeen(page, "mine", liveIds(["b", "d"]), "c leaves by its own update");
      }));
  }

  it("serves 20 listeners on one page while 20 documents change at once", () =>
    withStandin(rig, "default", async ({ page, admin }) => {
      const ids = Array.from({ length: 20 }, (_, i) => `l${i}`);
      for (const id of ids) await inPage(page, "watchDoc", id, `many/${id}`);
      await Promise.all(ids.map((id, i) => admin.doc(`many/${id}`).set({ i })));
      for (const [i, id] of ids.entries()) {
        await waitForSeen(page, id, (s) => s.fromCache === false && s.data?.i === i, `${id} live`);
      }
      await Promise.all(ids.map((id) => admin.doc(`many/${id}`).update({ i: -1 })));
      for (const id of ids) {
        await waitForSeen(
          page,
          id,
          (s) => s.fromCache === false && s.data?.i === -1,
          `${id} updated`,
        );
      }
    }));
});
