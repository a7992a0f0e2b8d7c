// Cheap, read-only checks that a port is served by the service we expect there
// (used to reuse a stack that is already running instead of failing on its ports).
import http2 from "node:http2";
import { HOST, PORTS, PROJECT_ID, S3_BUCKETS } from "./config";

const TIMEOUT_MS = 2000;

async function getText(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

/** Emulator names the hub reports as running, e.g. ["auth", "functions", "tasks"]. */
export async function hubEmulators(): Promise<string[]> {
  const body = await getText(`http://${HOST}:${PORTS.hub}/emulators`);
  if (!body) return [];
  try {
    return Object.keys(JSON.parse(body) as Record<string, unknown>);
  } catch {
    return [];
  }
}

/** Number of function triggers the functions emulator has loaded (0 until it is ready). */
export async function loadedFunctionTriggers(): Promise<number> {
  const body = await getText(`http://${HOST}:${PORTS.functions}/backends`);
  if (!body) return 0;
  try {
    const { backends } = JSON.parse(body) as { backends?: Array<{ functionTriggers?: unknown[] }> };
    return (backends ?? []).reduce((n, b) => n + (b.functionTriggers?.length ?? 0), 0);
  } catch {
    return 0;
  }
}

export async function s3Ready(): Promise<boolean> {
  const body = await getText(`http://${HOST}:${PORTS.s3}/`);
  return (
    !!body &&
    body.includes("ListAllMyBucketsResult") &&
    body.includes(`<Name>${S3_BUCKETS[0]}</Name>`)
  );
}

/**
 * A Firestore gRPC GetDocument on a missing document: both the stand-in and the official
 * emulator answer with a gRPC status (NOT_FOUND), anything else does not.
 */
export function firestoreReady(): Promise<boolean> {
  return new Promise((resolve) => {
    const session = http2.connect(`http://${HOST}:${PORTS.firestore}`);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      session.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), TIMEOUT_MS);
    session.on("error", () => done(false));
    const name = `projects/${PROJECT_ID}/databases/(default)/documents/_probe/_probe`;
    // GetDocumentRequest { name = 1 } as protobuf, in a gRPC length-prefixed frame.
    const field = Buffer.concat([Buffer.from([0x0a, name.length]), Buffer.from(name)]);
    const frame = Buffer.alloc(5 + field.length);
    frame.writeUInt32BE(field.length, 1);
    field.copy(frame, 5);
    const req = session.request({
      ":method": "POST",
      ":path": "/google.firestore.v1.Firestore/GetDocument",
      "content-type": "application/grpc",
      te: "trailers",
    });
    let status: string | undefined;
    const take = (headers: http2.IncomingHttpHeaders) => {
      const value = headers["grpc-status"];
      if (typeof value === "string") status = value;
    };
    req.on("response", take);
    req.on("trailers", take);
    req.on("error", () => done(false));
    req.on("data", () => undefined);
    req.on("end", () => done(status !== undefined));
    req.end(frame);
  });
}
