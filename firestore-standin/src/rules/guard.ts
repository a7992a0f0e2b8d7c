// Security rules in front of the service: reads, queries and listens are checked here before
// the service runs them; writes are checked by the authorizer the commit path calls once every
// write is staged (request.resource = the staged document, getAfter() sees the whole batch).
// Admin requests (`Bearer owner`) and projects without rules pass through untouched.
import type { ListenRequest } from "@firestore-emulator/proto/dist/google/firestore/v1/firestore";
import {
  ListenResponse,
  TargetChangeTargetChangeType,
} from "@firestore-emulator/proto/dist/google/firestore/v1/firestore";
import type { StructuredQuery } from "@firestore-emulator/proto/dist/google/firestore/v1/query";
import {
  status,
  type Metadata,
  type ServerErrorResponse,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";

import { GrpcError } from "../errors";
import type { DocumentStore } from "../store";
import type { StagedWrite, WriteAuthorizer } from "../writes";
import { identityOf, InvalidTokenError } from "./identity";
import { queryAccess } from "./query";
import { projectOf, type RulesRegistry } from "./registry";
import type { AccessRequest, Operation, Ruleset } from "./ruleset";
import { documentResource, NULL, rulesPathOf, timestampFromMillis, type V } from "./values";

const DENIED = "Missing or insufficient permissions.";
const SINGLE_READ_LIMIT = 10;
const BATCH_READ_LIMIT = 20;

/** Who is asking and which rules apply; null means "let it through" (admin, or no rules). */
interface Checker {
  rules: Ruleset;
  auth: V;
}

function checkerFor(registry: RulesRegistry, metadata: Metadata, project: string): Checker | null {
  const rules = registry.forProject(project);
  if (!rules) return null;
  let identity;
  try {
    identity = identityOf(metadata);
  } catch (err) {
    if (err instanceof InvalidTokenError) throw new GrpcError(status.UNAUTHENTICATED, err.message);
    throw err;
  }
  return identity.kind === "admin" ? null : { rules, auth: identity.auth };
}

/** get()/exists() read the store; getAfter()/existsAfter() see `staged` first. */
function docReader(state: DocumentStore, project: string, staged: StagedWrite[] = []) {
  const nameOf = (segs: string[]): string => {
    if (
      segs[0] !== "databases" ||
      segs[2] !== "documents" ||
      segs.length < 5 ||
      segs.length % 2 === 0
    ) {
      throw new GrpcError(status.INVALID_ARGUMENT, `Not a document path: /${segs.join("/")}`);
    }
    return `projects/${project}/${segs.join("/")}`;
  };
  return {
    get: (segs: string[]): V => storedResource(state, nameOf(segs)),
    getAfter: (segs: string[]): V => {
      const name = nameOf(segs);
      const s = staged.find((w) => w.name === name);
      if (!s) return storedResource(state, name);
      return s.exists ? documentResource(name, s.after) : NULL;
    },
  };
}

function storedResource(state: DocumentStore, name: string): V {
  const doc = state.get(name);
  return doc ? documentResource(name, doc.fields) : NULL;
}

const now = (): V => timestampFromMillis(Date.now());

function mustAllow(checker: Checker, req: Omit<AccessRequest, "auth">, what: string): void {
  if (!checker.rules.allows({ ...req, auth: checker.auth })) {
    throw new GrpcError(status.PERMISSION_DENIED, `${DENIED} (${req.operation} on ${what})`);
  }
}

function checkGet(state: DocumentStore, checker: Checker, name: string, readLimit: number): void {
  const project = projectOf(name);
  mustAllow(
    checker,
    {
      operation: "get",
      path: rulesPathOf(name),
      resource: storedResource(state, name),
      time: now(),
      docs: docReader(state, project),
      readLimit,
    },
    name,
  );
}

function checkQuery(
  state: DocumentStore,
  checker: Checker,
  parent: string,
  query: StructuredQuery,
): void {
  const access = queryAccess(parent, query);
  for (const resource of access.resources) {
    mustAllow(
      checker,
      {
        operation: "list",
        path: access.path,
        resource,
        query: access.query,
        time: now(),
        docs: docReader(state, projectOf(parent)),
        readLimit: SINGLE_READ_LIMIT,
      },
      `${parent}/${query.from.map((f) => f.collection_id).join(",")}`,
    );
  }
}

/** The commit-path authorizer for one call (undefined: no checks). */
export function writeAuthorization(state: DocumentStore, registry: RulesRegistry) {
  return (metadata: Metadata): WriteAuthorizer | undefined =>
    (writes, commitTime) => {
      const first = writes[0];
      if (!first) return;
      const project = projectOf(first.name);
      const checker = checkerFor(registry, metadata, project);
      if (!checker) return;
      const docs = docReader(state, project, writes);
      const readLimit = writes.length > 1 ? BATCH_READ_LIMIT : SINGLE_READ_LIMIT;
      for (const w of writes) {
        const operation: Operation = !w.exists ? "delete" : w.existed ? "update" : "create";
        mustAllow(
          checker,
          {
            operation,
            path: rulesPathOf(w.name),
            resource: w.existed ? documentResource(w.name, w.before) : NULL,
            ...(w.exists ? { requestResource: documentResource(w.name, w.after) } : {}),
            time: timestampFromMillis(commitTime.getTime()),
            docs,
            readLimit,
          },
          w.name,
        );
      }
    };
}

const toError = (err: unknown): Partial<ServerErrorResponse> =>
  err instanceof GrpcError
    ? { code: err.code, details: err.message }
    : { code: status.INTERNAL, details: String(err) };

interface StreamCall {
  request: Record<string, unknown>;
  metadata: Metadata;
  emit(event: string, value: unknown): boolean;
}

/** Runs `check` before a server-streaming handler; a refusal ends the call with its status. */
function guardStream(
  handler: UntypedHandleCall | undefined,
  check: (call: StreamCall) => void,
): UntypedHandleCall | undefined {
  if (!handler) return handler;
  const guarded = (call: StreamCall): void => {
    try {
      check(call);
    } catch (err) {
      call.emit("error", toError(err));
      return;
    }
    (handler as (c: StreamCall) => void)(call);
  };
  return guarded as UntypedHandleCall;
}

interface UnaryCall {
  request: unknown;
  metadata: Metadata;
}

/** Runs `check` before a unary handler; a refusal answers the call with its status. */
function guardUnary(
  handler: UntypedHandleCall | undefined,
  check: (call: UnaryCall) => void,
): UntypedHandleCall {
  const guarded = (call: UnaryCall, callback: (err: unknown, value: unknown) => void): void => {
    try {
      check(call);
    } catch (err) {
      callback(toError(err), null);
      return;
    }
    if (handler) (handler as (c: UnaryCall, cb: typeof callback) => void)(call, callback);
    else callback({ code: status.UNIMPLEMENTED, details: "Not served." }, null);
  };
  return guarded as UntypedHandleCall;
}

export function withSecurityRules(
  impl: UntypedServiceImplementation,
  state: DocumentStore,
  registry: RulesRegistry,
): UntypedServiceImplementation {
  const checker = (call: { metadata: Metadata }, name: string): Checker | null =>
    checkerFor(registry, call.metadata, projectOf(name));
  const out: UntypedServiceImplementation = { ...impl };

  out.BatchGetDocuments = guardStream(impl.BatchGetDocuments, (call) => {
    const req = call.request as {
      database: string;
      documents: string[];
      consistency_selector: string;
    };
    const c = checker(call, req.database);
    if (!c) return;
    const limit =
      req.consistency_selector === "none" && req.documents.length <= 1
        ? SINGLE_READ_LIMIT
        : BATCH_READ_LIMIT;
    for (const name of req.documents) checkGet(state, c, name, limit);
  }) as UntypedHandleCall;

  out.RunQuery = guardStream(impl.RunQuery, (call) => {
    const req = call.request as { parent: string; structured_query: StructuredQuery };
    const c = checker(call, req.parent);
    if (c) checkQuery(state, c, req.parent, req.structured_query);
  }) as UntypedHandleCall;

  out.RunAggregationQuery = guardStream(impl.RunAggregationQuery, (call) => {
    const req = call.request as {
      parent: string;
      structured_aggregation_query: { structured_query: StructuredQuery };
    };
    const c = checker(call, req.parent);
    if (c) checkQuery(state, c, req.parent, req.structured_aggregation_query.structured_query);
  }) as UntypedHandleCall;

  out.GetDocument = guardUnary(impl.GetDocument, (call) => {
    const name = (call.request as { name: string }).name;
    const c = checker(call, name);
    if (c) checkGet(state, c, name, SINGLE_READ_LIMIT);
  });
  // ListCollectionIds is IAM-only in Firestore; ListDocuments and PartitionQuery are not
  // evaluated here: rules loaded means clients are refused them (never a default allow).
  for (const name of ["ListCollectionIds", "ListDocuments", "PartitionQuery"]) {
    out[name] = guardUnary(impl[name], (call) => {
      const parent = (call.request as { parent: string }).parent;
      if (checker(call, parent)) throw new GrpcError(status.PERMISSION_DENIED, DENIED);
    });
  }

  const listen = impl.Listen;
  if (listen) out.Listen = guardListen(listen, state, checker);
  return out;
}

/** A denied target is removed with PERMISSION_DENIED as its cause; the stream stays open. */
function guardListen(
  listen: UntypedHandleCall,
  state: DocumentStore,
  checker: (call: { metadata: Metadata }, name: string) => Checker | null,
): UntypedHandleCall {
  const guarded = (call: {
    metadata: Metadata;
    on(event: string, listener: (...args: unknown[]) => void): unknown;
    write(res: ListenResponse): boolean;
  }): void => {
    const on = call.on.bind(call);
    call.on = (event: string, listener: (...args: unknown[]) => void) => {
      if (event !== "data") return on(event, listener);
      return on("data", (...args: unknown[]) => {
        const req = args[0] as ListenRequest;
        if (req.has_add_target) {
          try {
            const c = checker(call, req.database);
            if (c) checkTarget(state, c, req);
          } catch (err) {
            const e = toError(err);
            call.write(
              ListenResponse.fromObject({
                target_change: {
                  target_change_type: TargetChangeTargetChangeType.REMOVE,
                  target_ids: [req.add_target.target_id],
                  cause: { code: e.code ?? status.INTERNAL, message: e.details ?? "" },
                },
              }),
            );
            return;
          }
        }
        listener(...args);
      });
    };
    (listen as (c: typeof call) => void)(call);
  };
  return guarded as UntypedHandleCall;
}

function checkTarget(state: DocumentStore, c: Checker, req: ListenRequest): void {
  const target = req.add_target;
  if (target.has_documents) {
    for (const name of target.documents.documents) checkGet(state, c, name, SINGLE_READ_LIMIT);
  } else if (target.has_query) {
    checkQuery(state, c, target.query.parent, target.query.structured_query);
  }
}
