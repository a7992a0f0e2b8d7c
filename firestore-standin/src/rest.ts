// The Firestore v1 REST surface (JSON over HTTP/1.1): what the web SDK sends for unary calls
// and what firebase-admin sends with `preferRest: true`. Routes come from the google.api.http
// rules in the Firestore descriptors, so every RPC with a REST binding is reachable; whether
// it is implemented is the core service's business (UNIMPLEMENTED otherwise).
import type { IncomingMessage, ServerResponse } from "node:http";

import { status, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { JSONObject, JSONValue } from "proto3-json-serializer";
import type * as protobuf from "protobufjs";

import { metadataFrom, startCall, toCallError, type CallError } from "./doorCall";
import { GrpcError } from "./errors";
import { readBody, type Route } from "./http";
import {
  allRpcMethods,
  queryParamJson,
  requestJsonToBinary,
  responseBinaryToJson,
} from "./protoJson";
import { errorBody, httpStatusOf } from "./statusJson";

/** The gRPC service the doors call: its definition and its handlers. */
export interface Core {
  definition: ServiceDefinition;
  impl: UntypedServiceImplementation;
}

interface HttpRule {
  get?: string;
  post?: string;
  patch?: string;
  put?: string;
  delete?: string;
  body?: string;
  additional_bindings?: HttpRule | HttpRule[];
}

interface Binding {
  verb: string;
  pattern: RegExp;
  fields: string[];
  body?: string;
  rpc: protobuf.Method;
}

const VERBS = ["get", "post", "patch", "put", "delete"] as const;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `projects/*\/databases/*\/documents/*\/**` -> a regex source for that variable. */
function variablePattern(template: string): string {
  return template
    .split("/")
    .map((seg, i) => {
      if (seg === "**") return i === 0 ? ".*" : "(?:/.+)?";
      const part = seg === "*" ? "[^/]+" : escape(seg);
      return i === 0 ? part : `/${part}`;
    })
    .join("");
}

function compile(template: string): { pattern: RegExp; fields: string[] } {
  const fields: string[] = [];
  let source = "";
  let last = 0;
  for (const m of template.matchAll(/\{([^}=]+)(?:=([^}]*))?\}/g)) {
    source += escape(template.slice(last, m.index));
    fields.push(m[1] ?? "");
    source += `(${variablePattern(m[2] ?? "*")})`;
    last = (m.index ?? 0) + m[0].length;
  }
  source += escape(template.slice(last));
  return { pattern: new RegExp(`^${source}$`), fields };
}

function bindingsOf(rpc: protobuf.Method): Binding[] {
  const rules: HttpRule[] = [];
  for (const option of rpc.parsedOptions ?? []) {
    const rule = (option as Record<string, HttpRule | undefined>)["(google.api.http)"];
    if (!rule) continue;
    rules.push(rule);
    const extra = rule.additional_bindings;
    if (extra) rules.push(...(Array.isArray(extra) ? extra : [extra]));
  }
  const out: Binding[] = [];
  for (const rule of rules) {
    for (const verb of VERBS) {
      const template = rule[verb];
      if (template)
        out.push({ verb: verb.toUpperCase(), ...compile(template), body: rule.body, rpc });
    }
  }
  return out;
}

// Custom-verb routes (":commit") first, so a resource route never swallows them.
const BINDINGS = allRpcMethods()
  .filter((rpc) => !rpc.requestStream)
  .flatMap(bindingsOf)
  .sort(
    (a, b) => Number(/:\w+\$$/.test(b.pattern.source)) - Number(/:\w+\$$/.test(a.pattern.source)),
  );

/** Document names have an even number of segments after `documents/`. */
function isDocumentShaped(value: string): boolean {
  const at = value.indexOf("/documents/");
  return at < 0 || value.slice(at + "/documents/".length).split("/").length % 2 === 0;
}

function match(verb: string, path: string): { binding: Binding; values: string[] } | null {
  for (const binding of BINDINGS) {
    if (binding.verb !== verb) continue;
    const m = binding.pattern.exec(path);
    if (!m) continue;
    const values = m.slice(1).map((v) => decodeURIComponent(v));
    if (values.every(isDocumentShaped)) return { binding, values };
  }
  return null;
}

function setPath(target: JSONObject, dotted: string, value: JSONValue): void {
  const parts = dotted.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    const child: JSONObject = next && typeof next === "object" && !Array.isArray(next) ? next : {};
    node[part] = child;
    node = child;
  }
  node[parts[parts.length - 1] ?? ""] = value;
}

// Transport parameters of Google APIs, not request fields.
const SYSTEM_PARAMS = new Set([
  "key",
  "alt",
  "$alt",
  "prettyPrint",
  "$httpHeaders",
  "access_token",
]);

function requestJson(binding: Binding, values: string[], url: URL, body: string): JSONObject {
  let json: JSONObject = {};
  if (binding.body) {
    let parsed: JSONValue;
    try {
      parsed = (body.trim() ? JSON.parse(body) : {}) as JSONValue;
    } catch {
      throw new GrpcError(status.INVALID_ARGUMENT, "Invalid JSON payload received.");
    }
    if (binding.body === "*") {
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new GrpcError(status.INVALID_ARGUMENT, "Invalid JSON payload: expected an object.");
      }
      json = parsed;
    } else setPath(json, binding.body, parsed);
  } else {
    for (const key of new Set(url.searchParams.keys())) {
      if (SYSTEM_PARAMS.has(key)) continue;
      setPath(json, key, queryParamJson(binding.rpc, key, url.searchParams.getAll(key)));
    }
  }
  // Path templates name fields in proto style (collection_id); the JSON mapping wants lowerCamel.
  binding.fields.forEach((field, i) =>
    setPath(
      json,
      field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      values[i] ?? "",
    ),
  );
  return json;
}

function sendError(res: ServerResponse, err: CallError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res
    .writeHead(httpStatusOf(err.code), { "content-type": "application/json; charset=utf-8" })
    .end(JSON.stringify(errorBody(err)));
}

export function restRoute(core: Core): Route {
  return {
    matches: (_method, path) => path.startsWith("/v1/"),
    handle: async (req: IncomingMessage, res: ServerResponse, url: URL) => {
      const found = match(req.method ?? "GET", url.pathname);
      if (!found) {
        req.resume();
        sendError(res, {
          code: status.NOT_FOUND,
          message: `No Firestore REST method at ${url.pathname}.`,
        });
        return;
      }
      const { binding, values } = found;
      const rpc = binding.rpc;
      let bytes: Buffer;
      try {
        const json = requestJson(binding, values, url, await readBody(req));
        bytes = requestJsonToBinary(rpc, json);
      } catch (err) {
        sendError(res, toCallError(err));
        return;
      }
      // google-gax's REST transport asks for numeric enums ($alt=json;enum-encoding=int).
      const numericEnums = (url.searchParams.get("$alt") ?? "").includes("enum-encoding=int");
      const messages: JSONValue[] = [];
      const call = startCall(
        core.definition,
        core.impl,
        rpc.name,
        bytes,
        metadataFrom(req.headers),
        {
          message: (out) => messages.push(responseBinaryToJson(rpc, out, numericEnums)),
          end: () => {
            // Server-streaming RPCs answer with the JSON array of their messages.
            const payload = rpc.responseStream ? messages : (messages[0] ?? {});
            res
              .writeHead(200, { "content-type": "application/json; charset=utf-8" })
              .end(JSON.stringify(payload));
          },
          error: (err) => sendError(res, err),
        },
      );
      res.once("close", () => call.cancel());
    },
  };
}
