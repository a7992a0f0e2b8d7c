// The page survives a stand-in restart, and bad requests get clear errors, never a hang.
import { expect } from "chai";

import { PROJECT_ID } from "../helpers";
import { adminDb, BrowserRig, inPage, waitForSeen } from "./harness";

describe("Firestore stand-in in a browser: restarts and errors", function () {
  this.timeout(60_000);
  const rig = new BrowserRig();
  before(() => rig.start());
  after(() => rig.stop());

  it("recovers after the stand-in restarts on the same port", async () => {
    const first = await rig.standin();
    const port = first.port;
    const page = await rig.page(port);
    let admin = adminDb(port);
    try {
      await admin.db.doc("rooms/x").set({ v: 1 });
      await inPage(page, "watchDoc", "x", "rooms/x");
      await waitForSeen(page, "x", (s) => s.fromCache === false && s.data?.v === 1, "v = 1");
      await admin.close();
      await first.stop();
      const second = await rig.standin(port);
      admin = adminDb(port);
      await admin.db.doc("rooms/x").set({ v: 2 });
      // The SDK reconnects with backoff; the listener goes live again on the new server.
      await waitForSeen(
        page,
        "x",
        (s) => s.fromCache === false && s.data?.v === 2,
        "v = 2",
        30_000,
      );
      expect(await inPage(page, "write", "update", "rooms/x", { v: 3 })).to.equal("ok");
      expect((await admin.db.doc("rooms/x").get()).get("v")).to.equal(3);
      await page.context().close();
      await second.stop();
    } finally {
      await admin.close();
    }
  });

  it("answers refused and malformed requests with Firestore errors the page can read", async () => {
    const standin = await rig.standin();
    try {
      const page = await rig.page(standin.port);
      // Refused by the store, through the Write stream: the SDK maps the status to its code.
      expect(await inPage(page, "write", "update", "rooms/missing", { v: 1 })).to.equal(
        "not-found",
      );

      const base = `http://127.0.0.1:${standin.port}`;
      const replies = await page.evaluate(
        async ({ base, database }) => {
          // REST with a body that is not JSON.
          const rest = await fetch(`${base}/v1/${database}/documents:commit`, {
            method: "POST",
            headers: { "content-type": "text/plain" },
            body: "{not json",
          }).then(async (r) => ({ status: r.status, body: await r.text() }));
          // A WebChannel handshake whose first Listen message does not fit ListenRequest.
          const bad = JSON.stringify({
            database,
            addTarget: { query: { structuredQuery: { from: "x" } } },
          });
          const channel = `${base}/google.firestore.v1.Firestore/Listen/channel?VER=8&database=${encodeURIComponent(database)}`;
          const handshake = await fetch(`${channel}&RID=1&CVER=22`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: `count=1&ofs=0&req0___data__=${encodeURIComponent(bad)}`,
          }).then(async (r) => ({ status: r.status, body: await r.text() }));
          const sid = (
            JSON.parse(handshake.body.slice(handshake.body.indexOf("\n") + 1)) as [
              [number, [string, string]],
            ]
          )[0][1][1];
          const back = await fetch(`${channel}&RID=rpc&SID=${sid}&AID=0&CI=1&TYPE=xmlhttp`).then(
            async (r) => ({ status: r.status, body: await r.text() }),
          );
          const unknown = await fetch(`${channel}&RID=rpc&SID=nope&AID=0&CI=1&TYPE=xmlhttp`).then(
            async (r) => ({ status: r.status, body: await r.text() }),
          );
          return { rest, back, unknown };
        },
        { base, database: `projects/${PROJECT_ID}/databases/(default)` },
      );
      expect(replies.rest.status).to.equal(400);
      expect(JSON.parse(replies.rest.body)).to.have.nested.property(
        "error.status",
        "INVALID_ARGUMENT",
      );
      const arrays = JSON.parse(
        replies.back.body.slice(replies.back.body.indexOf("\n") + 1),
      ) as Array<[number, Array<{ error?: { status: string; message: string } }>]>;
      const error = arrays[0]?.[1][0]?.error;
      expect(error?.status).to.equal("INVALID_ARGUMENT");
      expect(error?.message).to.match(/ListenRequest/);
      expect(replies.unknown).to.deep.equal({ status: 400, body: "Unknown SID" });
      await page.context().close();
    } finally {
      await standin.stop();
    }
  });

  it("gives CORS only to localhost origins", async () => {
    const standin = await rig.standin();
    try {
      const preflight = (origin: string) =>
        fetch(
          `http://127.0.0.1:${standin.port}/v1/projects/${PROJECT_ID}/databases/(default)/documents:commit`,
          {
            method: "OPTIONS",
            headers: {
              origin,
              "access-control-request-method": "POST",
              "access-control-request-headers": "authorization",
            },
          },
        );
      const local = await preflight("http://localhost:5173");
      expect(local.status).to.equal(204);
      expect(local.headers.get("access-control-allow-origin")).to.equal("http://localhost:5173");
      expect(local.headers.get("access-control-allow-headers")).to.equal("authorization");
      const foreign = await preflight("https://example.com");
      expect(foreign.status).to.equal(403);
      expect(foreign.headers.get("access-control-allow-origin")).to.equal(null);
    } finally {
      await standin.stop();
    }
  });
});
