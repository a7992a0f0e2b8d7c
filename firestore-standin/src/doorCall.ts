// In-process gRPC calls for the HTTP front doors: objects shaped like grpc-js server calls
// (request, metadata, cancelled, write/end/'error' for server streams, 'data'/'end' for duplex
// streams), so the one service implementation serves REST and WebChannel exactly as it serves
// gRPC. Messages cross as wire bytes through the service definition's (de)serializers.
import { EventEmitter } from "node:events";
import type { IncomingHttpHeaders } from "node:http";

import {
  Metadata,
  status,
  type MethodDefinition,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";

/** A call's final error, as gRPC status code and message. */
export interface CallError {
  code: status;
  message: string;
}

/** Where a call's responses go (as serialized response messages). */
export interface CallSink {
  message(bytes: Buffer): void;
  end(): void;
  error(err: CallError): void;
}

// Connection-level headers are no part of an RPC's metadata.
const NOT_METADATA = new Set([
  "host",
  "connection",
  "content-length",
  "content-type",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
  "te",
  "accept-encoding",
  "cookie",
]);

/** HTTP headers (plus any headers a client encoded elsewhere) as gRPC metadata. */
export function metadataFrom(
  ...sources: Array<IncomingHttpHeaders | Record<string, string>>
): Metadata {
  const metadata = new Metadata();
  for (const headers of sources) {
    for (const [rawName, value] of Object.entries(headers)) {
      const name = rawName.toLowerCase();
      if (value === undefined || NOT_METADATA.has(name) || name.endsWith("-bin")) continue;
      for (const v of Array.isArray(value) ? value : [value]) {
        try {
          metadata.add(name, v);
        } catch {
          // A header gRPC could not carry (illegal name or value) is dropped, as a proxy would.
        }
      }
    }
  }
  return metadata;
}

export function toCallError(err: unknown): CallError {
  const e = (err ?? {}) as { code?: unknown; details?: unknown; message?: unknown };
  const code = typeof e.code === "number" ? (e.code as status) : status.UNKNOWN;
  const message =
    typeof e.details === "string" && e.details
      ? e.details
      : typeof e.message === "string"
        ? e.message
        : String(err);
  return { code, message };
}

export class DoorCall extends EventEmitter {
  cancelled = false;
  private finished = false;

  constructor(
    readonly request: unknown,
    readonly metadata: Metadata,
    private readonly method: MethodDefinition<unknown, unknown>,
    private readonly sink: CallSink,
  ) {
    super();
    // grpc-js turns an emitted 'error' into the call's status; so do we.
    this.on("error", (err: unknown) => this.finish(() => sink.error(toCallError(err))));
  }

  get isFinished(): boolean {
    return this.finished;
  }

  write(message: unknown): boolean {
    if (!this.finished) this.sink.message(this.method.responseSerialize(message));
    return true;
  }

  end(): void {
    this.finish(() => this.sink.end());
  }

  /** A request message from the client side of a duplex stream. */
  push(bytes: Buffer): void {
    if (this.finished) return;
    this.emit("data", this.method.requestDeserialize(bytes));
  }

  /** The client side half-closed its stream. */
  halfClose(): void {
    if (!this.finished) this.emit("end");
  }

  /** The HTTP side went away before the call ended. */
  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    this.cancelled = true;
    this.emit("cancelled", "cancelled");
  }

  getPeer(): string {
    return "http-front-door";
  }

  getDeadline(): number {
    return Infinity;
  }

  getPath(): string {
    return this.method.path;
  }

  sendMetadata(): void {
    // HTTP responses carry no separate initial metadata.
  }

  private finish(report: () => void): void {
    if (this.finished) return;
    this.finished = true;
    report();
  }
}

/**
 * Starts an RPC of `impl` in-process. `requestBytes` is the serialized request (null for a
 * client-streaming call: feed it with push/halfClose). Errors end up in sink.error.
 */
export function startCall(
  definition: ServiceDefinition,
  impl: UntypedServiceImplementation,
  name: string,
  requestBytes: Buffer | null,
  metadata: Metadata,
  sink: CallSink,
): DoorCall {
  const method = definition[name] as MethodDefinition<unknown, unknown> | undefined;
  const handler = impl[name] as ((...args: unknown[]) => void) | undefined;
  if (!method || !handler) {
    const dead = new DoorCall(null, metadata, method ?? NO_METHOD, sink);
    dead.emit("error", { code: status.UNIMPLEMENTED, details: `Method ${name} is not served.` });
    return dead;
  }
  let request: unknown = null;
  if (requestBytes) {
    try {
      request = method.requestDeserialize(requestBytes);
    } catch (err) {
      const bad = new DoorCall(null, metadata, method, sink);
      bad.emit("error", {
        code: status.INVALID_ARGUMENT,
        details: `Invalid request: ${String(err)}`,
      });
      return bad;
    }
  }
  const call = new DoorCall(request, metadata, method, sink);
  try {
    if (method.responseStream || method.requestStream) {
      handler(call);
    } else {
      handler(call, (err: unknown, value: unknown) => {
        if (err) call.emit("error", err);
        else {
          call.write(value);
          call.end();
        }
      });
    }
  } catch (err) {
    call.emit("error", { code: status.INTERNAL, details: String(err) });
  }
  return call;
}

const NO_METHOD: MethodDefinition<unknown, unknown> = {
  path: "",
  requestStream: false,
  responseStream: false,
  requestSerialize: () => Buffer.alloc(0),
  requestDeserialize: () => null,
  responseSerialize: () => Buffer.alloc(0),
  responseDeserialize: () => null,
};
