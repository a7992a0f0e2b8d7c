// The Firestore gRPC service: transactional reads/commits, atomic writes, BatchWrite, the Write
// stream (web SDK), multi-target Listen and ListCollectionIds over the raw server's store.
// Methods not overridden here are served by the raw implementation.
import { randomBytes } from "node:crypto";

import type { Write } from "@firestore-emulator/proto/dist/google/firestore/v1/write";
import {
  BatchGetDocumentsResponse,
  BatchWriteResponse,
  BeginTransactionResponse,
  CommitResponse,
  ListCollectionIdsResponse,
  ListenResponse,
  RunQueryResponse,
  TargetChangeTargetChangeType,
  UnimplementedFirestoreService,
  WriteResponse,
  type BatchGetDocumentsRequest,
  type BatchWriteRequest,
  type BeginTransactionRequest,
  type CommitRequest,
  type ListCollectionIdsRequest,
  type ListenRequest,
  type RollbackRequest,
  type RunAggregationQueryRequest,
  type RunAggregationQueryResponse,
  type RunQueryRequest,
  type WriteRequest,
} from "@firestore-emulator/proto/dist/google/firestore/v1/firestore";
import type { StructuredQuery } from "@firestore-emulator/proto/dist/google/firestore/v1/query";
import { Empty } from "@firestore-emulator/proto/dist/google/protobuf/empty";
import {
  TimestampFromDate,
  type FirestoreState,
  type FirestoreStateCollection,
} from "@firestore-emulator/server";
import { FirestoreServiceV1Impl } from "@firestore-emulator/server/dist/server/FirestoreServiceV1Impl";
import {
  status,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";

import { GrpcError } from "./errors";
import type { LockScope } from "./locks";
import { SnapshotTimes } from "./snapshotTimes";
import type { Transaction, TransactionRegistry } from "./transactions";
import { applyWrites, CommitClock, writePath } from "./writes";

export const serviceDefinition = UnimplementedFirestoreService.definition;

export function toServiceError(err: unknown): Partial<ServerErrorResponse> {
  if (err instanceof GrpcError) return { code: err.code, details: err.message };
  const message = err instanceof Error ? err.message : String(err);
  // The raw store throws FirestoreEmulatorError (has a numeric code) or plain Errors.
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "number") return { code, details: message };
  return { code: status.INTERNAL, details: message };
}

/** Wraps raw handlers so a synchronous throw becomes an error status instead of a crash. */
function guarded(name: string, handler: UntypedHandleCall): UntypedHandleCall {
  const wrapped = (...args: unknown[]): void => {
    try {
      (handler as (...a: unknown[]) => void)(...args);
    } catch (err) {
      const [call, callback] = args;
      const error = { ...toServiceError(err), code: status.UNIMPLEMENTED };
      if (typeof callback === "function") (callback as sendUnaryData<unknown>)(error, null);
      else (call as { emit(e: string, v: unknown): void }).emit("error", error);
      console.error(`firestore-standin: ${name} failed:`, error.details);
    }
  };
  return wrapped as UntypedHandleCall;
}

/** The raw handlers over our store; a synchronous throw (unimplemented method) becomes UNIMPLEMENTED. */
export function delegatingService(state: FirestoreState): UntypedServiceImplementation {
  const inner = new FirestoreServiceV1Impl(state);
  const impl: UntypedServiceImplementation = {};
  for (const name of Object.keys(serviceDefinition)) {
    const method = inner[name];
    if (method) impl[name] = guarded(name, method.bind(inner));
  }
  return impl;
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
  new_transaction: { has_read_only: boolean };
}

export function standinService(
  state: FirestoreState,
  txs: TransactionRegistry,
): UntypedServiceImplementation {
  const impl = delegatingService(state);
  const clock = new CommitClock();
  const snapshotTimes = new SnapshotTimes();

  /** The transaction a read belongs to; `fresh` when the read began it (lazy begin). */
  function readTransaction(req: TxRequest): { tx: Transaction | null; fresh: boolean } {
    if (req.consistency_selector === "transaction") return { tx: txs.get(req.transaction), fresh: false };
    if (req.consistency_selector === "new_transaction") {
      return { tx: txs.begin(req.new_transaction.has_read_only), fresh: true };
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
      if (fresh) txs.finish(tx);
      else txs.abort(tx, err instanceof Error ? err.message : "Transaction aborted.");
      throw err;
    } finally {
      // The answer (with the id) is written in the same tick: a later cancel is the client's own.
      call.removeListener("cancelled", drop);
    }
    return tx;
  }

  async function commit(writes: Write[], transaction: Uint8Array): Promise<CommitResponse> {
    if (transaction.length === 0) {
      const date = clock.next();
      const results = await txs.withPlainLocks(docScopes(writes), () => {
        const applied = applyWrites(state, date, writes);
        snapshotTimes.committed(date);
        return applied;
      });
      return CommitResponse.fromObject({
        commit_time: TimestampFromDate(date).toObject(),
        write_results: results.map((r) => r.toObject()),
      });
    }
    const tx = txs.get(transaction);
    try {
      if (tx.readOnly && writes.length > 0) {
        throw new GrpcError(status.INVALID_ARGUMENT, "Cannot write in a read-only transaction.");
      }
      await txs.lock(tx, docScopes(writes));
      const date = clock.next();
      const results = applyWrites(state, date, writes);
      snapshotTimes.committed(date);
      return CommitResponse.fromObject({
        commit_time: TimestampFromDate(date).toObject(),
        write_results: results.map((r) => r.toObject()),
      });
    } finally {
      txs.finish(tx);
    }
  }

  impl.BeginTransaction = (
    call: ServerUnaryCall<BeginTransactionRequest, BeginTransactionResponse>,
    callback: sendUnaryData<BeginTransactionResponse>,
  ): void => {
    const tx = txs.begin(call.request.has_options && call.request.options.has_read_only);
    callback(null, BeginTransactionResponse.fromObject({ transaction: txBytes(tx) }));
  };

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
        const readTime = TimestampFromDate(new Date()).toObject();
        for (const path of req.documents) {
          const doc = state.getDocument(path);
          call.write(
            BatchGetDocumentsResponse.fromObject(
              doc.metadata.hasExist
                ? { found: doc.toV1DocumentObject(), read_time: readTime }
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
    transactionalRead(req, queryScope(req.parent, req.structured_query), call)
      .then((tx) => {
        const docs = state.v1Query(req.parent, req.structured_query);
        const base = {
          read_time: TimestampFromDate(new Date()).toObject(),
          skipped_results: 0,
          ...(tx ? { transaction: txBytes(tx) } : {}),
        };
        if (docs.length === 0) call.write(RunQueryResponse.fromObject({ ...base, done: true }));
        docs.forEach((doc, i) =>
          call.write(
            RunQueryResponse.fromObject({
              ...base,
              document: doc.toV1DocumentObject(),
              done: i === docs.length - 1,
            }),
          ),
        );
        call.end();
      })
      .catch((err: unknown) => call.emit("error", toServiceError(err)));
  };

  const rawAggregation = impl.RunAggregationQuery;
  impl.RunAggregationQuery = (
    call: ServerWritableStream<RunAggregationQueryRequest, RunAggregationQueryResponse>,
  ): void => {
    const req = call.request;
    const query = req.structured_aggregation_query.structured_query;
    transactionalRead(req, queryScope(req.parent, query), call)
      .then((tx) => {
        // The raw handler echoes request.transaction back; point it at our transaction.
        if (tx) req.transaction = txBytes(tx);
        (rawAggregation as (c: typeof call) => void)(call);
      })
      .catch((err: unknown) => call.emit("error", toServiceError(err)));
  };

  impl.Commit = (
    call: ServerUnaryCall<CommitRequest, CommitResponse>,
    callback: sendUnaryData<CommitResponse>,
  ): void => {
    commit(call.request.writes, call.request.transaction).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toServiceError(err), null),
    );
  };

  impl.Rollback = (
    call: ServerUnaryCall<RollbackRequest, Empty>,
    callback: sendUnaryData<Empty>,
  ): void => {
    try {
      txs.finish(txs.get(call.request.transaction));
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
        const res = await commit([write], new Uint8Array());
        return { result: res.write_results[0]?.toObject() ?? {}, status: { code: 0 } };
      } catch (err) {
        const e = toServiceError(err);
        return { result: {}, status: { code: e.code ?? status.INTERNAL, message: e.details ?? "" } };
      }
    });
    Promise.all(outcomes).then((all) =>
      callback(
        null,
        BatchWriteResponse.fromObject({
          write_results: all.map((o) => o.result),
          status: all.map((o) => o.status),
        }),
      ),
    );
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
          const res = await commit(req.writes, new Uint8Array());
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

  // One stream carries many targets (web SDK); the raw handler only served the first.
  impl.Listen = (call: ServerDuplexStream<ListenRequest, ListenResponse>): void => {
    const targets = new Map<number, Array<() => void>>();
    let closed = false;
    // Global snapshots (NO_CHANGE for no target) are coalesced and sent once every target has
    // seen the commits before their read time (see snapshotTimes.ts).
    let globalPending = false;
    let lastGlobalMs = 0;
    const sendGlobal = (): void => {
      globalPending = false;
      if (closed) return;
      const readMs = snapshotTimes.consistentMs();
      if (readMs > lastGlobalMs) {
        lastGlobalMs = readMs;
        call.write(
          ListenResponse.fromObject({
            target_change: {
              target_change_type: TargetChangeTargetChangeType.NO_CHANGE,
              target_ids: [],
              read_time: TimestampFromDate(new Date(readMs)).toObject(),
            },
          }),
        );
      }
      if (snapshotTimes.busy) scheduleGlobal();
    };
    const scheduleGlobal = (): void => {
      if (globalPending) return;
      globalPending = true;
      setImmediate(sendGlobal);
    };
    const send = (res: ListenResponse): void => {
      if (closed) return;
      const ids = res.has_target_change
        ? res.target_change.target_ids
        : res.has_document_change
          ? res.document_change.target_ids
          : [];
      if (res.has_target_change && ids.length === 0) {
        scheduleGlobal();
        return;
      }
      // A removed target's pending notifications are dropped.
      if (ids.length > 0 && !ids.some((id) => targets.has(id))) return;
      call.write(res);
    };
    call.on("data", (req: ListenRequest) => {
      try {
        if (req.has_remove_target) {
          const id = req.remove_target;
          targets.get(id)?.forEach((off) => off());
          targets.delete(id);
          call.write(
            ListenResponse.fromObject({
              target_change: { target_change_type: TargetChangeTargetChangeType.REMOVE, target_ids: [id] },
            }),
          );
          return;
        }
        if (req.has_add_target) {
          const id = req.add_target.target_id;
          targets.get(id)?.forEach((off) => off());
          const offs: Array<() => void> = [];
          targets.set(id, offs);
          state.v1Listen(req, send, (off) => offs.push(off));
        }
      } catch (err) {
        call.emit("error", toServiceError(err));
      }
    });
    const close = (): void => {
      if (closed) return;
      closed = true;
      for (const offs of targets.values()) offs.forEach((off) => off());
      targets.clear();
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
      const [, project, , database, , ...rest] = call.request.parent.split("/");
      const holder =
        rest.length === 0
          ? state.getProject(project ?? "").getDatabase(database ?? "")
          : state.getDocument(call.request.parent);
      const collections = Reflect.get(holder, "collections") as Record<string, FirestoreStateCollection>;
      const ids = Object.entries(collections)
        .filter(([, c]) => c.hasChild())
        .map(([id]) => id)
        .sort();
      callback(null, ListCollectionIdsResponse.fromObject({ collection_ids: ids }));
    } catch (err) {
      callback(toServiceError(err), null);
    }
  };

  return impl;
}
