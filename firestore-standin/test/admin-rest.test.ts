// firebase-admin with `preferRest: true` (what the functions may run with) against the
// stand-in's REST front door: the same semantics as over gRPC.
import { expect } from "chai";

import { startMetadataServer } from "../../stack/metadata-server";
import { startStandin, type RunningStandin } from "../src/index";
import { adminDbAt, adminFirestore, errorCode, type AdminDb } from "./helpers";

describe("Firestore stand-in: firebase-admin over REST", function () {
  this.timeout(60_000);
  let standin: RunningStandin;
  let metadata: { host: string; stop(): Promise<void> };
  let admin: { db: AdminDb; close(): Promise<void> };
  const saved = {
    host: process.env.GCE_METADATA_HOST,
    detection: process.env.METADATA_SERVER_DETECTION,
  };
  const restore = (name: string, value: string | undefined): void => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };

  before(async () => {
    // The REST transport asks for application-default credentials even for an emulator.
    metadata = await startMetadataServer();
    process.env.GCE_METADATA_HOST = metadata.host;
    process.env.METADATA_SERVER_DETECTION = "assume-present"; // it answers only token paths
    standin = await startStandin({ port: 0 });
    admin = adminDbAt(standin.port, true);
  });
  after(async () => {
    await admin.close();
    await standin.stop();
    await metadata.stop();
    restore("GCE_METADATA_HOST", saved.host);
    restore("METADATA_SERVER_DETECTION", saved.detection);
  });

  it("writes, reads, queries, counts, lists and bulk-writes", async () => {
    const { db } = admin;
    await db.doc("rest/a").set({ n: 1, at: adminFirestore.FieldValue.serverTimestamp() });
    const snap = await db.doc("rest/a").get();
    expect(snap.get("n")).to.equal(1);
    expect(snap.get("at")).to.be.instanceOf(adminFirestore.Timestamp);
    expect((await db.collection("rest").where("n", ">", 0).get()).size).to.equal(1);
    expect((await db.collection("rest").count().get()).data().count).to.equal(1);
    expect((await db.listCollections()).map((c) => c.id)).to.include("rest");
    const writer = db.bulkWriter();
    void writer.set(db.doc("rest/b"), { n: 2 });
    await writer.close();
    const all = await db.getAll(db.doc("rest/a"), db.doc("rest/b"), db.doc("rest/none"));
    expect(all.map((d) => d.exists)).to.deep.equal([true, true, false]);
  });

  it("keeps concurrent transactions serializable", async () => {
    const { db } = admin;
    const ref = db.doc("rest/counter");
    await ref.set({ n: 0 });
    await Promise.all(
      Array.from({ length: 10 }, () =>
        db.runTransaction(async (tx) => {
          const s = await tx.get(ref);
          tx.update(ref, { n: (s.get("n") as number) + 1 });
        }),
      ),
    );
    expect((await ref.get()).get("n")).to.equal(10);
  });

  it("reports Firestore status codes", async () => {
    const err = await admin.db
      .doc("rest/missing")
      .update({ x: 1 })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(errorCode(err)).to.equal(5); // NOT_FOUND
  });
});
