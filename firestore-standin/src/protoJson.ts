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

/** The request field `path` (dotted, JSON names or proto names) names, if any. */
function requestField(method: protobuf.Method, path: string): protobuf.Field | null {
  let type: protobuf.Type | null = method.resolvedRequestType;
  let field: protobuf.Field | null = null;
  for (const part of path.split(".")) {
    if (!type) return null;
    field =
      type.fields[part] ?? Object.values(type.fields).find((f) => f.name === camel(part)) ?? null;
    if (!field) return null;
    type = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
  }
  return field;
}

const NUMBER_TYPES = new Set([
  "int32",
  "uint32",
  "sint32",
  "fixed32",
  "sfixed32",
  "double",
  "float",
]);

/**
 * A query parameter as the JSON value of the field it names: every occurrence for a repeated
 * field, `true`/`false` for a bool, a number for 32-bit and floating-point numbers (query
 * strings carry only text; the JSON mapping wants the field's own type).
 */
export function queryParamJson(method: protobuf.Method, path: string, raw: string[]): JSONValue {
  const field = requestField(method, path);
  const typed = (text: string): JSONValue => {
    if (field?.type === "bool" && (text === "true" || text === "false")) return text === "true";
    if (field && NUMBER_TYPES.has(field.type) && text !== "" && Number.isFinite(Number(text))) {
      return Number(text);
    }
    return text;
  };
  return field?.repeated ? raw.map(typed) : typed(raw[0] ?? "");
}

const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
