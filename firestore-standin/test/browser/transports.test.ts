// Live listeners in real headless Chromium, in each WebChannel mode of the web SDK: the page
// must get live (not cached) snapshots of later updates, deletes, and query membership changes.
import { expect } from "chai";

import {
  adminDb,
  BrowserRig,
  inPage,
  TRANSPORTS,
  waitForSeen,
  type TransportName,
} from "./harness";

describe("Firestore stand-in in a browser: transports", function () {
  this.timeout(60_000);
  const rig = new BrowserRig();
  before(() => rig.start());
  after(() => rig.stop());

  for (const transport of Object.keys(TRANSPORTS) as TransportName[]) {
    it(`${transport}: a document listener sees later updates and the delete, live`, async () => {
      const standin = await rig.standin();
      const admin = adminDb(standin.port);
      try {
        const page = await rig.page(standin.port, transport);
        await admin.db.doc("rooms/r1").set({ n: 1 });
        await inPage(page, "watchDoc", "room", "rooms/r1");
        await waitForSeen(page, "room", (s) => s.fromCache === false && s.data?.n === 1, "n = 1");
        await admin.db.doc("rooms/r1").update({ n: 2 });
        await waitForSeen(page, "room", (s) => s.fromCache === false && s.data?.n === 2, "n = 2");
        expect(await inPage(page, "write", "update", "rooms/r1", { n: 3 })).to.equal("ok");
        expect((await admin.db.doc("rooms/r1").get()).get("n")).to.equal(3);
        await admin.db.doc("rooms/r1").delete();
        await waitForSeen(
          page,
          "room",
          (s) => s.fromCache === false && s.exists === false,
          "delete",
        );
        const expected = transport === "longPolling" ? "long polling" : "streaming";
        expect([...rig.channelModes(page)]).to.deep.equal([expected]);
        await page.context().close();
      } finally {
        await admin.close();
        await standin.stop();
      }
    });
  }
});
