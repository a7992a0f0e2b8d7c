// The Firestore gRPC service over the stand-in's own store and query engine: transactional
// reads and commits, atomic writes, BatchWrite, the Write stream (web SDK), multi-target Listen,
// ListDocuments and ListCollectionIds, reads at a past readTime. Methods it does not serve answer
// UNIMPLEMENTED at once.
import { randomBytes } from "node:crypto";

import type { Precondition } from "@firestore-emulator/proto/dist/google/firestore/v1/common";
import { Write } from "@firestore-emulator/proto/dist/google/firestore/v1/write";
import {
  BatchGetDocumentsResponse,
  BatchWriteResponse,
  BeginTransactionResponse,
  CommitResponse,
  ListCollectionIdsResponse,
  ListDocumentsResponse,
  PartitionQueryResponse,
  RunAggregationQueryResponse,
  RunQueryResponse,
  UnimplementedFirestoreService,
  WriteResponse,
  type BatchGetDocumentsRequest,
  type BatchWriteRequest,
  type BeginTransactionRequest,
  type CommitRequest,
  type CreateDocumentRequest,
  type DeleteDocumentRequest,
  type GetDocumentRequest,
  type ListCollectionIdsRequest,
  type ListDocumentsRequest,
  type ListenRequest,
  type ListenResponse,
  type PartitionQueryRequest,
  type RollbackRequest,
  type RunAggregationQueryRequest,
  type RunQueryRequest,
  type UpdateDocumentRequest,
  type WriteRequest,
} from "@firestore-emulator/proto/dist/google/firestore/v1/firestore";
import { Document } from "@firestore-emulator/proto/dist/google/firestore/v1/document";
import type { StructuredQuery } from "@firestore-emulator/proto/dist/google/firestore/v1/query";
import { Empty } from "@firestore-emulator/proto/dist/google/protobuf/empty";
import {
  status,
  type Metadata,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";

import { docObject } from "./documents";
import { GrpcError } from "./errors";
import { ListenSession } from "./listen";
import type { LockScope } from "./locks";
import { aggregate } from "./query/aggregate";
import { runExplained } from "./query/explain";
import { fieldRef, project } from "./query/fields";
import { databaseOf, plainFields, toAggregations, toQuery } from "./query/fromProto";
import { QueryError } from "./query/types";
import type { Doc } from "./query/types";
import { collectionIds, listDocuments } from "./listing";
import type { DocumentStore } from "./store";
import type { Transaction, TransactionRegistry } from "./transactions";
import { applyWrites, millisOf, timestampOf, writePath, type WriteAuthorizer } from "./writes";

export const serviceDefinition = UnimplementedFirestoreService.definition;

export function toServiceError(err: unknown): Partial<ServerErrorResponse> & { code: status } {
  if (err instanceof GrpcError) return { code: err.code, details: err.message };
  if (err instanceof QueryError) {
    const code = err.kind === "invalid" ? status.INVALID_ARGUMENT : status.UNIMPLEMENTED;
    return { code, details: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: status.INTERNAL, details: message };
}

/** Methods the stand-in does not serve: UNIMPLEMENTED, naming the method, at once. */
function unimplemented(name: string): UntypedServiceImplementation[string] {
  const error = {
    code: status.UNIMPLEMENTED,
    details: `The Firestore stand-in does not support ${name}.`,
  };
  const method = serviceDefinition[name as keyof typeof serviceDefinition];
  if (!method.responseStream && !method.requestStream) {
    return (_call: unknown, callback: sendUnaryData<unknown>) => callback(error, null);
  }
  return (call: { emit(e: string, v: unknown): void }) => call.emit("error", error);
}

const docScopes = (writes: Write[]): LockScope[] =>
  writes.map((w) => ({ kind: "doc", path: writePath(w) }));

function queryScope(parent: string, query: StructuredQuery): LockScope[] {
  return query.from.map((sel) =>
    sel.all_descendants
      ? { kind: "group", id: sel.collection_id }
      : { kind: "collection", path: `${parent}/${sel.collection_id}` },
  );
}

const txBytes = (tx: Transaction): Uint8Array => Buffer.from(tx.id, "hex");

/** What a read needs to know about its call: whether (and when) the client cancelled it. */
interface CancellableCall {
  cancelled: boolean;
  once(event: "cancelled", listener: () => void): unknown;
  removeListener(event: "cancelled", listener: () => void): unknown;
}

interface TxRequest {
  consistency_selector: string;
  transaction: Uint8Array;
  new_transaction: {
    has_read_only: boolean;
    read_only: { has_read_time: boolean; read_time: { seconds: number; nanos: number } };
  };
}

/** Per-call write authorization (security rules); undefined lets every write through. */
export type WriteAuthorization = (metadata: Metadata) => WriteAuthorizer | undefined;

export function standinService(
  store: DocumentStore,
  txs: TransactionRegistry,
  authorization: WriteAuthorization = () => undefined,
): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  for (const name of Object.keys(serviceDefinition)) impl[name] = unimplemented(name);
  /** Read-only transactions read one snapshot: the time they began, or the readTime asked. */
  const snapshotTimes = new Map<string, number>();

  function beginTransaction(readOnly: boolean, readTime?: number): Transaction {
    const tx = txs.begin(readOnly);
    if (readOnly) snapshotTimes.set(tx.id, readTime ?? store.readTime());
    return tx;
  }

  function endTransaction(tx: Transaction): void {
    snapshotTimes.delete(tx.id);
    txs.finish(tx);
  }

  /** The transaction a read belongs to; `fresh` when the read began it (lazy begin). */
  function readTransaction(req: TxRequest): { tx: Transaction | null; fresh: boolean } {
    if (req.consistency_selector === "transaction")
      return { tx: txs.get(req.transaction), fresh: false };
    if (req.consistency_selector === "new_transaction") {
      const options = req.new_transaction;
      const readOnly = options.has_read_only;
      const readTime =
        readOnly && options.read_only.has_read_time
          ? millisOf(options.read_only.read_time)
          : undefined;
      return { tx: beginTransaction(readOnly, readTime), fresh: true };
    }
    return { tx: null, fresh: false };
  }

  /** Runs a read; a transaction that fails to get its locks (or was begun here) is ended. */
  async function transactionalRead(
    req: TxRequest,
    scopes: LockScope[],
    call: CancellableCall,
  ): Promise<Transaction | null> {
    const { tx, fresh } = readTransaction(req);
    if (!tx) return null;
    // The client learns a lazily begun transaction's id only from this read's answer: if the
    // read is cancelled before answering, nobody can ever commit or roll it back.
    const drop = (): void => txs.abort(tx, "Transaction aborted: its first read was cancelled.");
    if (fresh) call.once("cancelled", drop);
    try {
      if (fresh && call.cancelled) drop();
      await txs.lock(tx, scopes);
    } catch (err) {
      if (fresh) endTransaction(tx);
      else txs.abort(tx, err instanceof Error ? err.message : "Transaction aborted.");
      throw err;
    } finally {
      // The answer (with the id) is written in the same tick: a later cancel is the client's own.
      call.removeListener("cancelled", drop);
    }
    return tx;
  }

  /** The time a read sees: its readTime, its read-only transaction's snapshot, or now (undefined). */
  function readAt(
    req: TxRequest & { read_time?: { seconds: number; nanos: number } },
    tx: Transaction | null,
  ): number | undefined {
    if (req.consistency_selector === "read_time" && req.read_time) return millisOf(req.read_time);
    return tx ? snapshotTimes.get(tx.id) : undefined;
  }

  const responseTime = (at: number | undefined): { seconds: number; nanos: number } =>
    timestampOf(at ?? store.readTime());

  async function commit(
    writes: Write[],
    transaction: Uint8Array,
    authorize?: WriteAuthorizer,
  ): Promise<CommitResponse> {
    if (transaction.length === 0) {
      const { time, results } = await txs.withPlainLocks(docScopes(writes), () => {
        const t = store.nextCommitTime();
        return { time: t, results: applyWrites(store, t, writes, authorize) };
      });
      return CommitResponse.fromObject({
        commit_time: timestampOf(time),
        write_results: results.map((r) => r.toObject()),
      });
    }
    const tx = txs.get(transaction);
    try {
      if (tx.readOnly && writes.length > 0) {
        throw new GrpcError(status.INVALID_ARGUMENT, "Cannot write in a read-only transaction.");
      }
      await txs.lock(tx, docScopes(writes));
      const time = store.nextCommitTime();
      const results = applyWrites(store, time, writes, authorize);
      return CommitResponse.fromObject({
        commit_time: timestampOf(time),
        write_results: results.map((r) => r.toObject()),
      });
    } finally {
      endTransaction(tx);
    }
  }

  impl.BeginTransaction = (
    call: ServerUnaryCall<BeginTransactionRequest, BeginTransactionResponse>,
    callback: sendUnaryData<BeginTransactionResponse>,
  ): void => {
    const { has_options, options } = call.request;
    const readOnly = has_options && options.has_read_only;
    const readTime =
      readOnly && options.read_only.has_read_time
        ? millisOf(options.read_only.read_time)
        : undefined;
    const tx = beginTransaction(readOnly, readTime);
    callback(null, BeginTransactionResponse.fromObject({ transaction: txBytes(tx) }));
  };

  impl.GetDocument = (
    call: ServerUnaryCall<GetDocumentRequest, Document>,
    callback: sendUnaryData<Document>,
  ): void => {
    const req = call.request;
    const doc = store.get(req.name, req.has_read_time ? millisOf(req.read_time) : undefined);
    if (!doc) {
      callback({ code: status.NOT_FOUND, details: `Document not found: ${req.name}` }, null);
      return;
    }
    const mask = req.has_mask ? req.mask.field_paths : undefined;
    callback(null, Document.fromObject(docObject(masked(doc, mask))));
  };

  // The REST-style document RPCs, as single-write commits.
  impl.CreateDocument = (
    call: ServerUnaryCall<CreateDocumentRequest, Document>,
    callback: sendUnaryData<Document>,
  ): void => {
    const req = call.request;
    const write = Write.fromObject({
      update: {
        name: `${req.parent}/${req.collection_id}/${req.document_id || autoId()}`,
        fields: req.has_document ? plainFields(req.document.fields) : {},
      },
      current_document: { exists: false },
    });
    const mask = req.has_mask ? req.mask.field_paths : undefined;
    commitOne(write, mask, callback, authorization(call.metadata));
  };

  impl.UpdateDocument = (
    call: ServerUnaryCall<UpdateDocumentRequest, Document>,
    callback: sendUnaryData<Document>,
  ): void => {
    const req = call.request;
    if (!req.has_document)
      throw new GrpcError(status.INVALID_ARGUMENT, "UpdateDocument needs a document.");
    const write = Write.fromObject({
      update: { name: req.document.name, fields: plainFields(req.document.fields) },
      ...(req.has_update_mask ? { update_mask: { field_paths: req.update_mask.field_paths } } : {}),
      ...(req.has_current_document ? { current_document: precondition(req.current_document) } : {}),
    });
    const mask = req.has_mask ? req.mask.field_paths : undefined;
    commitOne(write, mask, callback, authorization(call.metadata));
  };

  impl.DeleteDocument = (
    call: ServerUnaryCall<DeleteDocumentRequest, Empty>,
    callback: sendUnaryData<Empty>,
  ): void => {
    const req = call.request;
    const write = Write.fromObject({
      delete: req.name,
      ...(req.has_current_document ? { current_document: precondition(req.current_document) } : {}),
    });
    commit([write], new Uint8Array(), authorization(call.metadata)).then(
      () => callback(null, Empty.fromObject({})),
      (err: unknown) => callback(toServiceError(err), null),
    );
  };

  /** Commits one write and answers with the document it stored (masked). */
  function commitOne(
    write: Write,
    mask: string[] | undefined,
    callback: sendUnaryData<Document>,
    authorize: WriteAuthorizer | undefined,
  ): void {
    const name = writePath(write);
    commit([write], new Uint8Array(), authorize)
      .then(() => {
        const doc = store.get(name);
        if (!doc) throw new GrpcError(status.NOT_FOUND, `Document not found: ${name}`);
        callback(null, Document.fromObject(docObject(masked(doc, mask))));
      })
      .catch((err: unknown) => callback(toServiceError(err), null));
  }

  impl.BatchGetDocuments = (
    call: ServerWritableStream<BatchGetDocumentsRequest, BatchGetDocumentsResponse>,
  ): void => {
    const req = call.request;
    const scopes: LockScope[] = req.documents.map((path) => ({ kind: "doc", path }));
    transactionalRead(req, scopes, call)
      .then((tx) => {
        if (tx && req.consistency_selector === "new_transaction") {
          call.write(BatchGetDocumentsResponse.fromObject({ transaction: txBytes(tx) }));
        }
        const at = readAt(req, tx);
        const readTime = responseTime(at);
        const mask = req.has_mask ? req.mask.field_paths : undefined;
        for (const path of req.documents) {
          const doc = store.get(path, at);
          call.write(
            BatchGetDocumentsResponse.fromObject(
              doc
                ? { found: docObject(masked(doc, mask)), read_time: readTime }
                : { missing: path, read_time: readTime },
            ),
          );
        }
        call.end();
      })
      .catch((err: unknown) => call.emit("error", toServiceError(err)));
  };

  impl.RunQuery = (call: ServerWritableStream<RunQueryRequest, RunQueryResponse>): void => {
    const req = call.request;
    Promise.resolve()
      .then(async () => {
        const query = toQuery(req.parent, req.structured_query);
        const tx = await transactionalRead(req, queryScope(req.parent, req.structured_query), call);
        const at = readAt(req, tx);
        const { docs, metrics, planOnly } = runExplained(
          store.candidates(query, at),
          query,
          explainOptions(req),
          "documents",
        );
        // A plan alone has no read time: the SDK then reports no snapshot.
        const base = {
          ...(planOnly ? {} : { read_time: responseTime(at) }),
          skipped_results: 0,
          ...(tx ? { transaction: txBytes(tx) } : {}),
        };
        // The end of the stream ends the result. (`done` would make the SDK close its side
        // first, racing the server's end, as the official emulator never does.) Explain
        // metrics ride on the last response.
        const responses =
          docs.length === 0 ? [base] : docs.map((d) => ({ ...base, document: docObject(d) }));
        responses.forEach((res, i) => {
          const last = i === responses.length - 1;
          call.write(
            RunQueryResponse.fromObject(
              last && metrics ? { ...res, explain_metrics: metrics } : res,
            ),
          );
        });
        call.end();
      })
      .catch((err: unknown) => call.emit("error", toServiceError(err)));
  };

  impl.RunAggregationQuery = (
    call: ServerWritableStream<RunAggregationQueryRequest, RunAggregationQueryResponse>,
  ): void => {
    const req = call.request;
    Promise.resolve()
      .then(async () => {
        const aggregations = toAggregations(req.structured_aggregation_query);
        const structured = req.structured_aggregation_query.structured_query;
        const query = toQuery(req.parent, structured);
        const tx = await transactionalRead(req, queryScope(req.parent, structured), call);
        const at = readAt(req, tx);
        const { docs, metrics, planOnly } = runExplained(
          store.candidates(query, at),
          query,
          explainOptions(req),
          "aggregate",
        );
        call.write(
          RunAggregationQueryResponse.fromObject({
            ...(planOnly
              ? {}
              : {
                  result: { aggregate_fields: aggregate(docs, aggregations) },
                  read_time: responseTime(at),
                }),
            ...(tx ? { transaction: txBytes(tx) } : {}),
            ...(metrics ? { explain_metrics: metrics } : {}),
          }),
        );
        call.end();
      })
      .catch((err: unknown) => call.emit("error", toServiceError(err)));
  };

  // One partition (the whole query) is a valid answer for any partition count.
  impl.PartitionQuery = (
    call: ServerUnaryCall<PartitionQueryRequest, PartitionQueryResponse>,
    callback: sendUnaryData<PartitionQueryResponse>,
  ): void => {
    try {
      toQuery(call.request.parent, call.request.structured_query);
      callback(null, PartitionQueryResponse.fromObject({ partitions: [] }));
    } catch (err) {
      callback(toServiceError(err), null);
    }
  };

  impl.Commit = (
    call: ServerUnaryCall<CommitRequest, CommitResponse>,
    callback: sendUnaryData<CommitResponse>,
  ): void => {
    commit(call.request.writes, call.request.transaction, authorization(call.metadata)).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toServiceError(err), null),
    );
  };

  impl.Rollback = (
    call: ServerUnaryCall<RollbackRequest, Empty>,
    callback: sendUnaryData<Empty>,
  ): void => {
    try {
      endTransaction(txs.get(call.request.transaction));
    } catch {
      // Rolling back an ended transaction is a no-op.
    }
    callback(null, Empty.fromObject({}));
  };

  // Not atomic, per-write status: Firestore's documented BatchWrite semantics.
  impl.BatchWrite = (
    call: ServerUnaryCall<BatchWriteRequest, BatchWriteResponse>,
    callback: sendUnaryData<BatchWriteResponse>,
  ): void => {
    const outcomes = call.request.writes.map(async (write) => {
      try {
        const res = await commit([write], new Uint8Array(), authorization(call.metadata));
        return { result: res.write_results[0]?.toObject() ?? {}, status: { code: 0 } };
      } catch (err) {
        const e = toServiceError(err);
        return {
          result: {},
          status: { code: e.code ?? status.INTERNAL, message: e.details ?? "" },
        };
      }
    });
    Promise.all(outcomes)
      .then((all) =>
        callback(
          null,
          BatchWriteResponse.fromObject({
            write_results: all.map((o) => o.result),
            status: all.map((o) => o.status),
          }),
        ),
      )
      .catch((err: unknown) => callback(toServiceError(err), null));
  };

  // The web SDK's write path: a handshake, then one commit per request, in order.
  impl.Write = (call: ServerDuplexStream<WriteRequest, WriteResponse>): void => {
    const streamId = randomBytes(8).toString("hex");
    let seq = 0;
    let failed = false;
    let chain = Promise.resolve();
    const token = (): Uint8Array => Buffer.from(String(++seq));
    call.on("data", (req: WriteRequest) => {
      chain = chain.then(async () => {
        if (failed) return;
        try {
          if (req.writes.length === 0) {
            call.write(WriteResponse.fromObject({ stream_id: streamId, stream_token: token() }));
            return;
          }
          const res = await commit(req.writes, new Uint8Array(), authorization(call.metadata));
          call.write(
            WriteResponse.fromObject({
              stream_id: streamId,
              stream_token: token(),
              write_results: res.write_results.map((r) => r.toObject()),
              commit_time: res.commit_time.toObject(),
            }),
          );
        } catch (err) {
          failed = true;
          call.emit("error", toServiceError(err));
        }
      });
    });
    call.on("end", () => {
      void chain.then(() => {
        if (!failed) call.end();
      });
    });
  };

  // One stream carries many targets (the web SDK multiplexes them).
  impl.Listen = (call: ServerDuplexStream<ListenRequest, ListenResponse>): void => {
    let closed = false;
    const session = new ListenSession(
      store,
      (res) => {
        if (!closed) call.write(res);
      },
      (err) => {
        const e = toServiceError(err);
        return { code: e.code, message: e.details ?? "" };
      },
    );
    call.on("data", (req: ListenRequest) => {
      if (closed) return;
      if (req.has_remove_target) session.remove(req.remove_target);
      else if (req.has_add_target) session.add(req.add_target);
    });
    const close = (): void => {
      if (closed) return;
      closed = true;
      session.close();
    };
    call.on("end", () => {
      close();
      call.end();
    });
    call.on("cancelled", close);
    call.on("error", close);
  };

  impl.ListCollectionIds = (
    call: ServerUnaryCall<ListCollectionIdsRequest, ListCollectionIdsResponse>,
    callback: sendUnaryData<ListCollectionIdsResponse>,
  ): void => {
    try {
      const req = call.request;
      databaseOf(req.parent);
      const at = req.has_read_time ? millisOf(req.read_time) : undefined;
      const ids = collectionIds(store.docs(at), req.parent);
      callback(null, ListCollectionIdsResponse.fromObject({ collection_ids: ids }));
    } catch (err) {
      callback(toServiceError(err), null);
    }
  };

  impl.ListDocuments = (
    call: ServerUnaryCall<ListDocumentsRequest, ListDocumentsResponse>,
    callback: sendUnaryData<ListDocumentsResponse>,
  ): void => {
    try {
      const req = call.request;
      databaseOf(req.parent);
      if (req.order_by) {
        throw new QueryError("unimplemented", "ListDocuments with order_by is not supported.");
      }
      const at = req.has_read_time ? millisOf(req.read_time) : undefined;
      const page = listDocuments(store.docs(at), {
        parent: req.parent,
        collectionId: req.collection_id,
        showMissing: req.show_missing,
        pageSize: req.page_size,
        pageToken: req.page_token,
      });
      const mask = req.has_mask ? req.mask.field_paths : undefined;
      callback(
        null,
        ListDocumentsResponse.fromObject({
          documents: page.docs.map((d) =>
            d.missing ? { name: d.name } : docObject(masked(d.doc, mask)),
          ),
          next_page_token: page.nextPageToken,
        }),
      );
    } catch (err) {
      callback(toServiceError(err), null);
    }
  };

  for (const name of Object.keys(impl)) impl[name] = guarded(name, impl[name]);
  return impl;
}

/** A handler that throws answers with an error status instead of crashing the server. */
function guarded(name: string, handler: UntypedHandleCall): UntypedHandleCall {
  const wrapped = (call: unknown, callback?: unknown): void => {
    try {
      (handler as (c: unknown, cb?: unknown) => void)(call, callback);
    } catch (err) {
      const error = toServiceError(err);
      if (error.code === status.INTERNAL) console.error(`firestore-standin: ${name} failed:`, err);
      if (typeof callback === "function") (callback as sendUnaryData<unknown>)(error, null);
      else (call as { emit(e: string, v: unknown): void }).emit("error", error);
    }
  };
  return wrapped as UntypedHandleCall;
}

/** A Precondition message as a plain object (toObject() would fill both oneof members). */
function precondition(
  p: Precondition,
): { exists: boolean } | { update_time: { seconds: number; nanos: number } } {
  if (p.has_update_time)
    return { update_time: { seconds: p.update_time.seconds, nanos: p.update_time.nanos } };
  return { exists: p.exists };
}

const AUTO_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A 20-character id like the SDKs' auto ids. */
function autoId(): string {
  return Array.from(randomBytes(20), (b) => AUTO_ID_CHARS.charAt(b % AUTO_ID_CHARS.length)).join(
    "",
  );
}

const explainOptions = (req: {
  has_explain_options: boolean;
  explain_options: { analyze: boolean };
}): { analyze: boolean } | undefined => (req.has_explain_options ? req.explain_options : undefined);

/** A document with only the masked fields (a mask with no paths keeps none). */
function masked(doc: Doc, mask: string[] | undefined): Doc {
  return mask ? { ...doc, fields: project(doc.fields, mask.map(fieldRef)) } : doc;
}
