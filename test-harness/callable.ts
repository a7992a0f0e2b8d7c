// A client for callable functions on the emulator speaking the callable protocol over
// plain fetch, so tests see exactly what an app's httpsCallable would.
import { FUNCTIONS_ORIGIN, PROJECT_ID, REGION } from "./emulators";

/** Like the client SDK's FunctionsError: `code` is e.g. "invalid-argument". */
export class CallableError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: unknown,
    readonly httpStatus: number,
  ) {
    super(message);
    this.name = "CallableError";
  }
}

/** "INVALID_ARGUMENT" → "invalid-argument", as the client SDK reports it. */
export function toErrorCode(status: string): string {
  return status.toLowerCase().replace(/_/g, "-");
}

export async function callFunction<T = unknown>(
  name: string,
  data: unknown,
  idToken?: string,
  options: { timeoutMs?: number } = {},
): Promise<{ result: T }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (idToken) headers.authorization = `Bearer ${idToken}`;
  const res = await fetch(`${FUNCTIONS_ORIGIN}/${PROJECT_ID}/${REGION}/${name}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ data: data ?? null }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  const text = await res.text();
  let body: { result?: T; error?: { status?: string; message?: string; details?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not the callable protocol (e.g. the emulator's 404 for an unknown function).
    throw new CallableError(
      "internal",
      `${name}: HTTP ${res.status} ${text.slice(0, 200)}`,
      undefined,
      res.status,
    );
  }
  if (body.error) {
    const { status = "INTERNAL", message = status, details } = body.error;
    throw new CallableError(toErrorCode(status), message, details, res.status);
  }
  if (!res.ok || !("result" in body)) {
    throw new CallableError(
      "internal",
      `${name}: HTTP ${res.status} without a result`,
      undefined,
      res.status,
    );
  }
  return { result: body.result as T };
}
