/** What every callable does at its edge: auth, input validation, and safe error mapping. */
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import type { z } from "zod";
import { isEmulator } from "../config/environment";
import { enforceAppCheck } from "../config/params";
import { invalidFields } from "../contract";
import { logs } from "../logs";

export function requireUser(request: CallableRequest<unknown>): string {
  // `request.app` is set only for a verified App Check token.
  // The Functions emulator has no App Check; everywhere else the param decides.
  if (enforceAppCheck.value() && !isEmulator() && !request.app) {
    throw new HttpsError("unauthenticated", "This app could not be verified (App Check).");
  }
  const uid = request.auth?.uid;
  if (!uid) throw new HttpsError("unauthenticated", "Sign in to use this function.");
  return uid;
}

/**
 * The callable SDK decodes `{"__proto__": {...}}` into an object whose *prototype* holds those
 * fields, and a schema reading `data.prompt` would see them. Only own fields count here.
 */
function ownFields(data: unknown): unknown {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return data;
  const prototype: unknown = Object.getPrototypeOf(data);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new HttpsError("invalid-argument", "The request has invalid fields.", {
      fields: ["__proto__"],
    });
  }
  return data;
}

export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(ownFields(data));
  if (!parsed.success) {
    throw new HttpsError("invalid-argument", "The request has invalid fields.", {
      fields: invalidFields(parsed.error),
    });
  }
  return parsed.data;
}

/** Runs a callable body; anything that is not already an HttpsError becomes a bare `internal`. */
export async function guarded<T>(name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof HttpsError) throw err;
    logs.unexpected(name, err);
    throw new HttpsError("internal", "Something went wrong. Please try again.");
  }
}
