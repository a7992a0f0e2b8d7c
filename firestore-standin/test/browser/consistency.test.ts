// A browser's writes (Write stream over WebChannel) and transactions (REST batchGet + commit)
// race firebase-admin transactions (gRPC) on one counter: no update may be lost.
import { expect } from "chai";

import { BrowserRig, inPage, withStandin } from "./harness";

describe("Firestore stand-in in a browser: consistency", function () {
  this.timeout(90_000);
  const rig = new BrowserRig();
  before(() => rig.start());
  after(() => rig.stop());

  it("browser writes raced against Admin transactions stay serializable", () =>
    withStandin(rig, "default", async ({ page, admin }) => {
      const ref = admin.doc("counters/c");
      await ref.set({ n: 0 });
      const ROUNDS = 5;
      const adminAddOne = (): Promise<string> =>
        admin
          .runTransaction(async (tx) => {
            const snap = await tx.get(ref);
            tx.update(ref, { n: (snap.get("n") as number) + 1 });
          })
          .then(
            () => "ok",
            (err: { code?: unknown; message?: string }) =>
              `${String(err.code)} ${err.message ?? ""}`,
          );
      const outcomes = await Promise.all(
        Array.from({ length: ROUNDS }, () => [
          adminAddOne(),
          inPage(page, "write", "increment", "counters/c"),
          inPage(page, "addOneInTransaction", "counters/c"),
        ]).flat(),
      );
      const succeeded = outcomes.filter((o) => o === "ok").length;
      // Every acknowledged increment is in the final value, and nothing else is.
      expect((await ref.get()).get("n")).to.equal(succeeded);
      // Plain increments and Admin transactions never give up under this contention.
      expect(outcomes.filter((o, i) => i % 3 !== 2 && o !== "ok")).to.deep.equal([]);
    }));
});
