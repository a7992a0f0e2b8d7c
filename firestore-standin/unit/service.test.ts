// The gRPC handlers called in-process, the way every front door calls them.
import {
  CreateDocumentRequest,
  DeleteDocumentRequest,
  PartitionQueryRequest,
  RunQueryRequest,
  UpdateDocumentRequest,
} from "@firestore-emulator/proto/dist/google/firestore/v1/firestore";
import type { Document } from "@firestore-emulator/proto/dist/google/firestore/v1/document";
import type { ServiceError } from "@grpc/grpc-js";
import { expect } from "chai";
import { EventEmitter } from "node:events";

import { LockManager } from "../src/locks";
import { standinService } from "../src/service";
import { DocumentStore } from "../src/store";
import { TransactionRegistry } from "../src/transactions";
import { DB, int } from "./fixtures";

type Unary = (
  call: { request: unknown },
  cb: (err: ServiceError | null, res: unknown) => void,
) => void;

function setup(): {
  store: DocumentStore;
  unary: (name: string, request: unknown) => Promise<unknown>;
} {
  const store = new DocumentStore();
  const impl = standinService(store, new TransactionRegistry(new LockManager(), 1000));
  const unary = (name: string, request: unknown): Promise<unknown> =>
    new Promise((resolve, reject) =>
      (impl[name] as Unary)({ request }, (err, res) => (err ? reject(err) : resolve(res))),
    );
  return { store, unary };
}

const codeOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => "ok",
    (err: { code?: unknown }) => err.code,
  );

describe("service handlers", () => {
  it("CreateDocument, UpdateDocument and DeleteDocument commit single writes with preconditions", async () => {
    const { store, unary } = setup();
    const created = (await unary(
      "CreateDocument",
      CreateDocumentRequest.fromObject({
        parent: DB,
        collection_id: "c",
        document_id: "d",
        document: { fields: { n: int(1) } },
      }),
    )) as Document;
    expect(created.name).to.equal(`${DB}/c/d`);
    const again = CreateDocumentRequest.fromObject({
      parent: DB,
      collection_id: "c",
      document_id: "d",
    });
    expect(await codeOf(unary("CreateDocument", again))).to.equal(6);

    await unary(
      "UpdateDocument",
      UpdateDocumentRequest.fromObject({
        document: { name: `${DB}/c/d`, fields: { m: int(2) } },
        update_mask: { field_paths: ["m"] },
        current_document: { exists: true },
      }),
    );
    expect(store.get(`${DB}/c/d`)?.fields).to.deep.equal({ n: int(1), m: int(2) });

    await unary("DeleteDocument", DeleteDocumentRequest.fromObject({ name: `${DB}/c/d` }));
    expect(store.get(`${DB}/c/d`)).to.equal(null);
    const missing = DeleteDocumentRequest.fromObject({
      name: `${DB}/c/d`,
      current_document: { exists: true },
    });
    expect(await codeOf(unary("DeleteDocument", missing))).to.equal(5);
  });

  it("answers a malformed query with INVALID_ARGUMENT, not INTERNAL", async () => {
    const { unary } = setup();
    const bad = PartitionQueryRequest.fromObject({ parent: DB, structured_query: { from: [] } });
    expect(await codeOf(unary("PartitionQuery", bad))).to.equal(3);
  });

  it("streams query results and ends the stream; a bad parent fails the stream", async () => {
    const { unary, store } = setup();
    await unary(
      "CreateDocument",
      CreateDocumentRequest.fromObject({
        parent: DB,
        collection_id: "c",
        document: { fields: {} },
      }),
    );
    expect([...store.docs()]).to.have.length(1);
    const impl = standinService(store, new TransactionRegistry(new LockManager(), 1000));
    const run = (request: RunQueryRequest): Promise<{ writes: number; error?: { code: number } }> =>
      new Promise((resolve) => {
        const call = Object.assign(new EventEmitter(), {
          request,
          writes: 0,
          write(): boolean {
            call.writes++;
            return true;
          },
          end(): void {
            resolve({ writes: call.writes });
          },
        });
        call.on("error", (error: { code: number }) => resolve({ writes: call.writes, error }));
        (impl["RunQuery"] as (c: unknown) => void)(call);
      });
    const ok = await run(
      RunQueryRequest.fromObject({
        parent: DB,
        structured_query: { from: [{ collection_id: "c" }] },
      }),
    );
    expect(ok).to.deep.equal({ writes: 1 });
    const bad = await run(
      RunQueryRequest.fromObject({
        parent: "nope",
        structured_query: { from: [{ collection_id: "c" }] },
      }),
    );
    expect(bad.error?.code).to.equal(3);
    const empty = await run(RunQueryRequest.fromObject({ parent: DB }));
    expect(empty.error?.code).to.equal(3);
  });
});
