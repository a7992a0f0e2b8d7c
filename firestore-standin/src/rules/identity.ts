// Who sent a request, from its gRPC metadata (the REST/WebChannel doors build the same
// metadata from HTTP headers). As in the official emulator: `Bearer owner` (what the Admin SDK
// sends) bypasses rules; any other bearer token is an ID token whose signature is NOT checked
// (the Auth emulator issues unsigned ones) and becomes request.auth; no token is request.auth == null.
import type { Metadata } from "@grpc/grpc-js";

import { fromJson } from "./json";
import { map, NULL, str, type V } from "./values";

export type Identity = { kind: "admin" } | { kind: "client"; auth: V };

export class InvalidTokenError extends Error {}

export function identityOf(metadata: Metadata): Identity {
  const header = metadata.get("authorization")[0];
  const value = typeof header === "string" ? header : header ? header.toString() : "";
  const token = /^Bearer\s+(.+)$/i.exec(value.trim())?.[1];
  if (!token) return { kind: "client", auth: NULL };
  if (token === "owner") return { kind: "admin" };
  return { kind: "client", auth: authFromIdToken(token) };
}

/** request.auth for a JWT: uid from `sub` (or `user_id`), token = every claim. */
export function authFromIdToken(token: string): V {
  const payload = token.split(".")[1];
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
  } catch {
    throw new InvalidTokenError("The ID token is not a JWT.");
  }
  if (!claims || typeof claims !== "object")
    throw new InvalidTokenError("The ID token has no claims.");
  const c = claims as Record<string, unknown>;
  const uid =
    typeof c.sub === "string" && c.sub ? c.sub : typeof c.user_id === "string" ? c.user_id : "";
  if (!uid) throw new InvalidTokenError("The ID token has no subject (sub).");
  return map({ uid: str(uid), token: fromJson(claims) });
}
