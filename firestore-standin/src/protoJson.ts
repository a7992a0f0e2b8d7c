// The JSON <-> binary bridge of the HTTP front doors. Requests arrive as proto3 JSON (the REST
// and WebChannel encoding); the gRPC handlers take the service definition's own message
// classes. protobufjs (with the Firestore descriptors that @google-cloud/firestore ships) and
// proto3-json-serializer do the JSON mapping; the binary wire format links the two, so the doors
// never depend on which message classes the core uses.
import { readFileSync } from "node:fs";

import { status } from "@grpc/grpc-js";
import { fromProto3JSON, toProto3JSON, type JSONValue } from "proto3-json-serializer";
import * as protobuf from "protobufjs";

import { GrpcError } from "./errors";

export const FIRESTORE_SERVICE = "google.firestore.v1.Firestore";

const DESCRIPTORS = require.resolve("@google-cloud/firestore/build/protos/v1.json");
const root = protobuf.Root.fromJSON(
  JSON.parse(readFileSync(DESCRIPTORS, "utf8")) as protobuf.INamespace,
);
root.resolveAll();
const service = root.lookupService(FIRESTORE_SERVICE);

/** The descriptor of one RPC of the Firestore service (e.g. "Commit"). */
export function rpcMethod(name: string): protobuf.Method | undefined {
  return service.methods[name];
}

export function allRpcMethods(): protobuf.Method[] {
  return Object.values(service.methods);
}

/** proto3 JSON -> wire bytes of the method's request; INVALID_ARGUMENT when it does not fit. */
export function requestJsonToBinary(method: protobuf.Method, json: JSONValue): Buffer {
  const type = method.resolvedRequestType as protobuf.Type;
  let message: protobuf.Message | null;
  try {
    message = fromProto3JSON(type, json);
  } catch (err) {
    throw new GrpcError(
      status.INVALID_ARGUMENT,
      `Invalid JSON payload for ${type.name}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (!message) throw new GrpcError(status.INVALID_ARGUMENT, `Empty payload for ${type.name}.`);
  return Buffer.from(type.encode(message).finish());
}

/** Wire bytes of the method's response -> proto3 JSON. */
export function responseBinaryToJson(
  method: protobuf.Method,
  bytes: Uint8Array,
  numericEnums = false,
): JSONValue {
  const type = method.resolvedResponseType as protobuf.Type;
  return toProto3JSON(type.decode(bytes), { numericEnums });
}

/** Whether `path` (dotted, JSON names or proto names) names a repeated field of the request. */
export function isRepeatedRequestField(method: protobuf.Method, path: string): boolean {
  let type: protobuf.Type | null = method.resolvedRequestType;
  let field: protobuf.Field | null = null;
  for (const part of path.split(".")) {
    if (!type) return false;
    field =
      type.fields[part] ?? Object.values(type.fields).find((f) => f.name === camel(part)) ?? null;
    if (!field) return false;
    type = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
  }
  return field?.repeated ?? false;
}

const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
