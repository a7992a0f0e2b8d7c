// Lock manager defects found in review: deadlock cycles closed by a grant (parallel reads in
// one transaction), and locks of a lazily begun transaction whose first read was cancelled.
import { Metadata, status } from "@grpc/grpc-js";
import { expect } from "chai";

import { startCall, type CallError } from "../src/doorCall";
import { LockManager, type LockScope } from "../src/locks";
import { requestJsonToBinary, rpcMethod } from "../src/protoJson";
import { serviceDefinition, standinService } from "../src/service";
import { DocumentStore } from "../src/store";
import { TransactionRegistry } from "../src/transactions";

const doc = (path: string): LockScope[] => [{ kind: "doc", path }];
// Waits this long can only end by a grant or a deadlock abort within a test's time.
const LONG_WAIT_MS = 120_000;

const outcome = (p: Promise<void>): Promise<string | number> =>
  p.then(
    () => "granted",
    (err: { code?: number }) => err.code ?? "error",
  );

const tagged = (owner: string, p: Promise<void>) =>
  outcome(p).then((result) => ({ owner, result }));

describe("Firestore stand-in: locks", function () {
  this.timeout(20_000);

  it("aborts one waiter at once when a grant closes a cycle (parallel reads in one transaction)", async () => {
    const locks = new LockManager();
    await locks.acquire("T3", doc("c/c"), LONG_WAIT_MS); // T3 holds C
    await locks.acquire("T1", doc("c/a"), LONG_WAIT_MS); // T1 holds A
    const t2WantsA = outcome(locks.acquire("T2", doc("c/a"), LONG_WAIT_MS)); // waits on T1
    const t3WantsA = tagged("T3", locks.acquire("T3", doc("c/a"), LONG_WAIT_MS)); // waits on T1
    // T2's parallel read waits on T3; no cycle yet, since T3 waits on T1.
    const t2WantsC = tagged("T2", locks.acquire("T2", doc("c/c"), LONG_WAIT_MS));
    locks.releaseAll("T1"); // A goes to T2, which still waits for C held by T3, which waits for A
    expect(await t2WantsA).to.equal("granted");
    const first = await Promise.race([t3WantsA, t2WantsC]);
    expect(first.result).to.equal(status.ABORTED);
    // The aborted transaction ends (as the service does), and the survivor proceeds.
    locks.releaseAll(first.owner);
    const survivor = await (first.owner === "T3" ? t2WantsC : t3WantsA);
    expect(survivor.result).to.equal("granted");
  });

  describe("a lazily begun transaction whose first read is cancelled", () => {
    const database = "projects/demo-phoenix/databases/(default)";
    const docA = `${database}/documents/c/a`;
    let txs: TransactionRegistry;
    let core: { definition: typeof serviceDefinition; impl: ReturnType<typeof standinService> };

    beforeEach(() => {
      // A lock limit far beyond the test timeout: only the fix can free the lock in time.
      txs = new TransactionRegistry(new LockManager(), LONG_WAIT_MS);
      core = { definition: serviceDefinition, impl: standinService(new DocumentStore(), txs) };
    });

    function call(
      name: string,
      json: object,
    ): { ended: Promise<CallError | null>; cancel(): void } {
      let settle: (v: CallError | null) => void = () => undefined;
      const ended = new Promise<CallError | null>((resolve) => (settle = resolve));
      const rpc = rpcMethod(name);
      if (!rpc) throw new Error(`no ${name}`);
      const started = startCall(
        core.definition,
        core.impl,
        name,
        requestJsonToBinary(rpc, json as never),
        new Metadata(),
        {
          message: () => undefined,
          end: () => settle(null),
          error: (err) => settle(err),
        },
      );
      return { ended, cancel: () => started.cancel() };
    }

    const plainWrite = (): Promise<CallError | null> =>
      call("Commit", {
        database,
        writes: [{ update: { name: docA, fields: { n: { integerValue: "1" } } } }],
      }).ended;

    it("releases the locks it got", async () => {
      const read = call("BatchGetDocuments", {
        database,
        documents: [docA],
        newTransaction: { readWrite: {} },
      });
      read.cancel(); // before the client could learn the transaction id
      expect(await plainWrite()).to.equal(null);
    });

    it("stops waiting for the locks it wanted", async () => {
      const tx = txs.begin(false);
      await txs.lock(tx, doc(docA));
      const read = call("BatchGetDocuments", {
        database,
        documents: [docA],
        newTransaction: { readWrite: {} },
      });
      read.cancel();
      txs.finish(tx); // the holder ends; the cancelled read must not inherit the lock
      expect(await plainWrite()).to.equal(null);
    });
  });
});
