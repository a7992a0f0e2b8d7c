/**
 * A fake Vertex AI (Veo) + OAuth token + Cloud Storage endpoint for offline tests.
 *
 * - `POST /token`: the OAuth 2.0 JWT-bearer grant. The assertion must be signed by the
 *   service-account key from `serviceAccount()`; answers an access token.
 * - `POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:predictLongRunning`
 *   and `...:fetchPredictOperation`, with Vertex AI's documented shapes; both require
 *   `Authorization: Bearer <issued token>`.
 * - The slice of the Cloud Storage JSON API that `@google-cloud/storage` uses to read and
 *   delete an object: `GET /storage/v1/b/{bucket}/o/{object}?alt=media` (also under
 *   `/download`), metadata `GET` without `alt`, and `DELETE`; and to write one (an input video
 *   to extend): `POST /upload/storage/v1/b/{bucket}/o?uploadType=multipart`.
 * - Control: `GET /__fake/stats`, `POST /__fake/script`, `POST /__fake/reset`,
 *   `GET /__fake/service-account`, for tests that run the fake in another process.
 *
 * Scripting (in order of precedence): queued start/poll errors from `script()`; markers in
 * the prompt (`fake:filtered`, `fake:filtered-samples=N`, `fake:polls=K`, `fake:op-error=CODE`,
 * `fake:start-STATUSxN` = the first N starts of this prompt answer HTTP STATUS); the
 * defaults from `script({ outcome, pollsUntilDone })`.
 */
import { execFileSync } from "node:child_process";
import { createHash, generateKeyPairSync, randomBytes, randomUUID, verify } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { FFMPEG_QUIET_ARGS, H264_MP4_ARGS } from "../../functions/src/models/local-render";

export type FakeOutcome = "video" | "filtered" | { errorCode: number; message?: string };

export interface ScriptedAnswer {
  /** HTTP status to answer; omit to answer normally after `delayMs`. */
  status?: number;
  message?: string;
  /** Hold the answer this long (to trip client timeouts). */
  delayMs?: number;
}

export interface FakeScript {
  /** Answers for the next starts, one consumed per start; a number is an HTTP status. */
  startErrors?: Array<number | ScriptedAnswer>;
  /** Answers for the next polls, one consumed per poll. */
  pollErrors?: Array<number | ScriptedAnswer>;
  /** Outcome of operations started from now on (default "video"). */
  outcome?: FakeOutcome;
  /** The K-th poll of an operation reports it done (default 2: one pending look first). */
  pollsUntilDone?: number;
}

export interface FakeStats {
  starts: number;
  polls: number;
  tokenRequests: number;
  unauthorized: number;
  downloads: number;
  deletes: number;
  /** Objects written by simple uploads (an input video to extend). */
  uploads: number;
  startsByPrompt: Record<string, number>;
  pollsByOperation: Record<string, number>;
  /** Body of the last accepted predictLongRunning request. */
  lastStartBody?: unknown;
  /** Authorization header of the last Vertex AI call. */
  lastAuthorization?: string;
}

/** A type alias (not an interface), so it passes wherever a credentials record is expected. */
export type ServiceAccountKey = {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  token_uri: string;
};

export interface FakeVertexOptions {
  port?: number;
  host?: string;
  /** Serve this MP4 for every video instead of rendering one per aspect ratio/duration. */
  video?: Buffer;
  ffmpegPath?: string;
}

export interface FakeVertex {
  url: string;
  port: number;
  readonly stats: FakeStats;
  script(script: FakeScript): void;
  /** Clears scripts, stats, operations and objects (keeps the service account). */
  reset(): void;
  /** A service-account key JSON whose `token_uri` is this fake's token endpoint. */
  serviceAccount(): ServiceAccountKey;
  /** gs:// URIs of the objects currently stored. */
  objects(): string[];
  /** The MP4 this fake serves for a request of that shape. */
  videoFor(aspectRatio: string, durationSeconds: number): Buffer;
  stop(): Promise<void>;
}

interface Operation {
  name: string;
  prompt: string;
  aspectRatio: string;
  durationSeconds: number;
  storageUri: string;
  polls: number;
  pollsUntilDone: number;
  outcome: FakeOutcome;
  /** `parameters.sampleCount`: videos asked for. */
  sampleCount: number;
  /** `fake:filtered-samples=N` in the prompt: N of the samples are filtered, the rest delivered. */
  filteredSamples: number;
  /** `parameters.enhancePrompt: true` and a prompt under 30 words: each video carries a rewrite. */
  rewrittenPrompt?: string;
}

const RPC_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};
const VIDEO_RESPONSE_TYPE =
  "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse";
const MODEL_CALL =
  /^\/v1\/(projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+)):(predictLongRunning|fetchPredictOperation)$/;
const GCS_OBJECT = /^(?:\/download)?\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/;
/** A simple (non-resumable) upload: `POST /upload/storage/v1/b/{bucket}/o?uploadType=multipart`. */
const GCS_UPLOAD = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/;

/** The metadata and media parts of a `multipart/related` upload body. */
function multipartUpload(body: Buffer, contentType: string): { name?: string; media: Buffer } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error("no multipart boundary");
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next === -1) break;
    parts.push(body.subarray(at + delimiter.length + 2, next - 2)); // after CRLF, before CRLF
    at = next;
  }
  const payload = (part: Buffer) => part.subarray(part.indexOf("\r\n\r\n") + 4);
  const metadata = JSON.parse(payload(parts[0]).toString("utf8")) as { name?: string };
  return { name: metadata.name, media: payload(parts[parts.length - 1]) };
}

function emptyStats(): FakeStats {
  return {
    starts: 0,
    polls: 0,
    tokenRequests: 0,
    unauthorized: 0,
    downloads: 0,
    deletes: 0,
    uploads: 0,
    startsByPrompt: {},
    pollsByOperation: {},
  };
}

function resolveFfmpeg(explicit?: string): string {
  if (explicit) return explicit;
  // The fake lives outside the functions package; borrow its ffmpeg dependency.
  const requireFromFunctions = createRequire(
    path.resolve(__dirname, "../../functions/package.json"),
  );
  return (requireFromFunctions("@ffmpeg-installer/ffmpeg") as { path: string }).path;
}

function renderMp4(ffmpeg: string, aspectRatio: string, durationSeconds: number): Buffer {
  const size = aspectRatio === "9:16" ? "360x640" : "640x360";
  const dir = mkdtempSync(path.join(os.tmpdir(), "fake-vertex-"));
  const file = path.join(dir, "sample_0.mp4");
  try {
    execFileSync(ffmpeg, [
      ...FFMPEG_QUIET_ARGS,
      "-f",
      "lavfi",
      "-i",
      `testsrc2=s=${size}:r=15:d=${durationSeconds}`,
      ...H264_MP4_ARGS,
      file,
    ]);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CRC32C (Castagnoli), as GCS reports in `x-goog-hash`; the storage client validates it. */
const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32c(bytes: Buffer): string {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString("base64");
}

function base64url(input: string): Buffer {
  return Buffer.from(input.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

export async function startFakeVertex(options: FakeVertexOptions = {}): Promise<FakeVertex> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const clientEmail = "phoenix-fake@demo-phoenix.iam.gserviceaccount.com";
  const privateKeyId = randomBytes(20).toString("hex");
  const tokens = new Set<string>();
  const operations = new Map<string, Operation>();
  const objects = new Map<string, Buffer>(); // "bucket/object" -> bytes
  const videos = new Map<string, Buffer>();
  let stats = emptyStats();
  let startQueue: ScriptedAnswer[] = [];
  let pollQueue: ScriptedAnswer[] = [];
  let defaultOutcome: FakeOutcome = "video";
  let defaultPollsUntilDone = 2;
  let baseUrl = "";

  const videoFor = (aspectRatio: string, durationSeconds: number): Buffer => {
    if (options.video) return options.video;
    const key = `${aspectRatio}/${durationSeconds}`;
    let bytes = videos.get(key);
    if (!bytes) {
      bytes = renderMp4(resolveFfmpeg(options.ffmpegPath), aspectRatio, durationSeconds);
      videos.set(key, bytes);
    }
    return bytes;
  };

  const script = (s: FakeScript): void => {
    const toAnswer = (a: number | ScriptedAnswer): ScriptedAnswer =>
      typeof a === "number" ? { status: a } : a;
    startQueue.push(...(s.startErrors ?? []).map(toAnswer));
    pollQueue.push(...(s.pollErrors ?? []).map(toAnswer));
    if (s.outcome !== undefined) defaultOutcome = s.outcome;
    if (s.pollsUntilDone !== undefined) defaultPollsUntilDone = Math.max(1, s.pollsUntilDone);
  };

  const reset = (): void => {
    stats = emptyStats();
    startQueue = [];
    pollQueue = [];
    defaultOutcome = "video";
    defaultPollsUntilDone = 2;
    operations.clear();
    objects.clear();
  };

  const serviceAccount = (): ServiceAccountKey => ({
    type: "service_account",
    project_id: "demo-phoenix",
    private_key_id: privateKeyId,
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: clientEmail,
    client_id: "100000000000000000000",
    token_uri: `${baseUrl}/token`,
  });

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
    res.end(text);
  }

  function sendError(res: ServerResponse, status: number, message: string): void {
    send(res, status, {
      error: { code: status, message, status: RPC_STATUS[status] ?? "UNKNOWN" },
    });
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  function handleToken(body: string, res: ServerResponse): void {
    stats.tokenRequests++;
    const form = new URLSearchParams(body);
    const assertion = form.get("assertion") ?? "";
    const [header, payload, signature] = assertion.split(".");
    const fail = (why: string) =>
      send(res, 400, { error: "invalid_grant", error_description: why });
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
      return fail("unsupported grant_type");
    if (!header || !payload || !signature) return fail("malformed assertion");
    const signed = verify(
      "RSA-SHA256",
      Buffer.from(`${header}.${payload}`),
      publicKey,
      base64url(signature),
    );
    if (!signed) return fail("Invalid JWT Signature.");
    const claims = JSON.parse(base64url(payload).toString("utf8")) as {
      iss?: string;
      scope?: string;
      exp?: number;
    };
    if (claims.iss !== clientEmail) return fail("unknown service account");
    if (!claims.exp || claims.exp * 1000 < Date.now()) return fail("expired assertion");
    if (!claims.scope?.includes("https://www.googleapis.com/auth/cloud-platform"))
      return fail("missing scope");
    const token = `ya29.fake-${randomUUID()}`;
    tokens.add(token);
    send(res, 200, { access_token: token, expires_in: 3600, token_type: "Bearer" });
  }

  function authorized(req: IncomingMessage, res: ServerResponse): boolean {
    const header = req.headers.authorization ?? "";
    stats.lastAuthorization = header;
    const match = /^Bearer (.+)$/.exec(header);
    if (match && tokens.has(match[1])) return true;
    stats.unauthorized++;
    sendError(
      res,
      401,
      "Request had invalid authentication credentials. Expected OAuth 2 access token.",
    );
    return false;
  }

  /** Applies a scripted answer; true when the request was answered with an error. */
  async function scripted(
    answer: ScriptedAnswer | undefined,
    res: ServerResponse,
    what: string,
  ): Promise<boolean> {
    if (!answer) return false;
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (answer.status === undefined) return false;
    const defaults: Record<number, string> = {
      429: "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model.",
      400: "Request contains an invalid argument.",
    };
    sendError(
      res,
      answer.status,
      answer.message ?? defaults[answer.status] ?? `Scripted ${what} failure.`,
    );
    return true;
  }

  async function handleStart(model: string, body: string, res: ServerResponse): Promise<void> {
    const request = JSON.parse(body || "{}") as {
      instances?: Array<{ prompt?: unknown }>;
      parameters?: Record<string, unknown>;
    };
    const prompt = request.instances?.[0]?.prompt;
    const promptKey = typeof prompt === "string" ? prompt : "";
    stats.starts++;
    stats.startsByPrompt[promptKey] = (stats.startsByPrompt[promptKey] ?? 0) + 1;
    if (await scripted(startQueue.shift(), res, "predictLongRunning")) return;
    const marker = /fake:start-(\d{3})x(\d+)/.exec(promptKey);
    if (marker && stats.startsByPrompt[promptKey] <= Number(marker[2])) {
      return sendError(res, Number(marker[1]), `Scripted by prompt marker ${marker[0]}.`);
    }
    const p = request.parameters ?? {};
    const storageUri = typeof p.storageUri === "string" ? p.storageUri : "";
    if (!promptKey.trim())
      return sendError(
        res,
        400,
        "Request contains an invalid argument: instances[0].prompt is required.",
      );
    const aspectRatio = p.aspectRatio ?? "16:9";
    if (typeof aspectRatio !== "string" || !["16:9", "9:16"].includes(aspectRatio)) {
      return sendError(res, 400, "Request contains an invalid argument: unsupported aspectRatio.");
    }
    if (![4, 6, 8].includes(Number(p.durationSeconds ?? 8))) {
      return sendError(
        res,
        400,
        "Request contains an invalid argument: durationSeconds must be 4, 6 or 8.",
      );
    }
    if (!/^gs:\/\/[^/]+\//.test(storageUri)) {
      return sendError(
        res,
        400,
        "Request contains an invalid argument: storageUri must be a gs:// prefix.",
      );
    }
    stats.lastStartBody = request;
    const name = `${model}/operations/${randomUUID()}`;
    const opError = /fake:op-error=(\d+)/.exec(promptKey);
    const polls = /fake:polls=(\d+)/.exec(promptKey);
    const filteredSamples = /fake:filtered-samples=(\d+)/.exec(promptKey);
    operations.set(name, {
      name,
      prompt: promptKey,
      aspectRatio,
      durationSeconds: Number(p.durationSeconds ?? 8),
      storageUri: storageUri.endsWith("/") ? storageUri : `${storageUri}/`,
      polls: 0,
      pollsUntilDone: polls ? Math.max(1, Number(polls[1])) : defaultPollsUntilDone,
      sampleCount: Math.max(1, Number(p.sampleCount ?? 1)),
      filteredSamples: filteredSamples ? Number(filteredSamples[1]) : 0,
      ...(p.enhancePrompt === true && promptKey.trim().split(/\s+/).length < 30
        ? { rewrittenPrompt: `${promptKey} (rewritten by the prompt rewriter)` }
        : {}),
      outcome: /fake:filtered(?!-samples)/.test(promptKey)
        ? "filtered"
        : opError
          ? { errorCode: Number(opError[1]), message: `Scripted operation error ${opError[1]}.` }
          : defaultOutcome,
    });
    send(res, 200, { name });
  }

  async function handlePoll(body: string, res: ServerResponse): Promise<void> {
    const { operationName } = JSON.parse(body || "{}") as { operationName?: string };
    stats.polls++;
    if (operationName)
      stats.pollsByOperation[operationName] = (stats.pollsByOperation[operationName] ?? 0) + 1;
    if (await scripted(pollQueue.shift(), res, "fetchPredictOperation")) return;
    const op = operationName ? operations.get(operationName) : undefined;
    if (!op) return sendError(res, 404, `Operation ${operationName ?? "(none)"} not found.`);
    op.polls++;
    if (op.polls < op.pollsUntilDone) return send(res, 200, { name: op.name });
    if (op.outcome === "filtered") {
      return send(res, 200, {
        name: op.name,
        done: true,
        response: {
          "@type": VIDEO_RESPONSE_TYPE,
          raiMediaFilteredCount: 1,
          raiMediaFilteredReasons: [
            "Veo could not generate videos because the input image violates Vertex AI's usage guidelines. " +
              "If you think this was an error, send feedback. Support codes: 17301594",
          ],
        },
      });
    }
    if (typeof op.outcome === "object") {
      return send(res, 200, {
        name: op.name,
        done: true,
        error: {
          code: op.outcome.errorCode,
          message: op.outcome.message ?? "Scripted operation error.",
        },
      });
    }
    // Veo writes each sample as its own object; filtered ones are only counted, with reasons.
    const delivered = Math.max(0, op.sampleCount - op.filteredSamples);
    const videos = Array.from({ length: delivered }, (_, i) => {
      const gcsUri = `${op.storageUri}${op.name.split("/").pop()}/sample_${i}.mp4`;
      const key = gcsUri.slice("gs://".length);
      if (!objects.has(key) && op.polls === op.pollsUntilDone) {
        objects.set(key, videoFor(op.aspectRatio, op.durationSeconds));
      }
      return {
        gcsUri,
        mimeType: "video/mp4",
        ...(op.rewrittenPrompt ? { prompt: op.rewrittenPrompt } : {}),
      };
    });
    const filtered = op.sampleCount - delivered;
    send(res, 200, {
      name: op.name,
      done: true,
      response: {
        "@type": VIDEO_RESPONSE_TYPE,
        videos,
        ...(filtered
          ? {
              raiMediaFilteredCount: filtered,
              raiMediaFilteredReasons: Array.from(
                { length: filtered },
                () =>
                  "Veo could not generate videos because the output violates Vertex AI's usage guidelines. Support codes: 58061214",
              ),
            }
          : {}),
      },
    });
  }

  function handleObject(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    bucket: string,
    object: string,
  ): void {
    const key = `${bucket}/${decodeURIComponent(object)}`;
    const bytes = objects.get(key);
    if (req.method === "DELETE") {
      if (!bytes) return sendError(res, 404, `No such object: ${key}`);
      objects.delete(key);
      stats.deletes++;
      res.writeHead(204);
      return void res.end();
    }
    if (req.method !== "GET") return sendError(res, 405, "method not allowed");
    if (!bytes) return sendError(res, 404, `No such object: ${key}`);
    const md5 = createHash("md5").update(bytes).digest("base64");
    if (url.searchParams.get("alt") !== "media") {
      return send(res, 200, {
        kind: "storage#object",
        bucket,
        name: decodeURIComponent(object),
        size: String(bytes.length),
        contentType: "video/mp4",
        md5Hash: md5,
        crc32c: crc32c(bytes),
      });
    }
    stats.downloads++;
    res.writeHead(200, {
      "content-type": "video/mp4",
      "content-length": String(bytes.length),
      "x-goog-hash": `crc32c=${crc32c(bytes)},md5=${md5}`,
      "x-goog-stored-content-encoding": "identity",
    });
    res.end(bytes);
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL, bucket: string) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { name, media } = multipartUpload(
      Buffer.concat(chunks),
      req.headers["content-type"] ?? "",
    );
    const object = name ?? url.searchParams.get("name");
    if (!object) return sendError(res, 400, "upload without an object name");
    objects.set(`${bucket}/${object}`, media);
    stats.uploads++;
    send(res, 200, {
      kind: "storage#object",
      bucket,
      name: object,
      size: String(media.length),
      // The client compares these with what it sent.
      md5Hash: createHash("md5").update(media).digest("base64"),
      crc32c: crc32c(media),
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const upload = GCS_UPLOAD.exec(url.pathname);
    if (upload && req.method === "POST") return handleUpload(req, res, url, upload[1]);
    const body = await readBody(req);
    if (req.method === "POST" && url.pathname === "/token") return handleToken(body, res);
    const call = MODEL_CALL.exec(url.pathname);
    if (call && req.method === "POST") {
      if (!authorized(req, res)) return;
      return call[5] === "predictLongRunning"
        ? handleStart(call[1], body, res)
        : handlePoll(body, res);
    }
    const object = GCS_OBJECT.exec(url.pathname);
    if (object) return handleObject(req, res, url, object[1], object[2]);
    if (url.pathname === "/__fake/stats") return send(res, 200, stats);
    if (url.pathname === "/__fake/service-account") return send(res, 200, serviceAccount());
    if (url.pathname === "/__fake/objects")
      return send(
        res,
        200,
        [...objects.keys()].map((k) => `gs://${k}`),
      );
    if (req.method === "POST" && url.pathname === "/__fake/script") {
      script(JSON.parse(body || "{}") as FakeScript);
      return send(res, 200, { ok: true });
    }
    if (req.method === "POST" && url.pathname === "/__fake/reset") {
      reset();
      return send(res, 200, { ok: true });
    }
    sendError(res, 404, `fake vertex: no route for ${req.method} ${url.pathname}`);
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `fake vertex: ${(error as Error).message}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  baseUrl = `http://${address}:${port}`;

  return {
    url: baseUrl,
    port,
    get stats() {
      return stats;
    },
    script,
    reset,
    serviceAccount,
    objects: () => [...objects.keys()].map((k) => `gs://${k}`),
    videoFor,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
