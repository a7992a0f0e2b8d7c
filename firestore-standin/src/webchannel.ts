// WebChannel, the browser SDK's transport for the Listen and Write streams (closure's
// WebChannel protocol, version 8, as @firebase/webchannel-wrapper speaks it):
// - handshake: POST .../channel?VER=8&RID=n (no SID); form body `headers=<k:v\r\n…>` (the SDK's
//   encodeInitMessageHeaders: Authorization etc. without a CORS preflight), `count`, `ofs`,
//   `reqN___data__` (raw JSON of one request message). Answer: [[0,["c",SID,"",8,14,keepalive]]].
// - forward channel: POST with SID, same form body; answer [1, lastArrayIdSent, outstanding].
// - back channel: GET with SID, RID=rpc, AID (last array id the client saw), CI=0 (stream
//   chunks) or CI=1 (long poll: answer once, then the client asks again), TYPE=xmlhttp.
// - TYPE=terminate ends the session.
// Every response body is a sequence of chunks `<length>\n<JSON>` (length in UTF-16 units);
// back-channel JSON is an array of [arrayId, payload]; Firestore's payload is [message]
// or [{"error":{…}}]. Arrays stay queued until acknowledged by AID, so a lost back channel
// loses nothing.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import { status } from "@grpc/grpc-js";
import type { JSONValue } from "proto3-json-serializer";
import type * as protobuf from "protobufjs";

import { metadataFrom, startCall, type CallError, type DoorCall } from "./doorCall";
import { readBody, type Route } from "./http";
import { requestJsonToBinary, responseBinaryToJson, rpcMethod } from "./protoJson";
import type { Core } from "./rest";
import { errorBody } from "./statusJson";

const CHANNEL = /^\/google\.firestore\.v1\.Firestore\/(Listen|Write)\/channel$/;
/** Announced to the client (its back-channel timeout becomes 1.5×) and used for noops. */
const KEEPALIVE_MS = 20_000;
/** A session whose client has had no back channel for this long is dropped. */
const ABANDONED_MS = 90_000;
/** Default hold time of a long-poll back channel with nothing to send. */
const LONG_POLL_MS = 25_000;

const TEXT = { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" };

/** One response chunk: its length in UTF-16 units (what the client counts), then the JSON. */
const frame = (json: string): string => `${json.length}\n${json}`;
const chunk = (value: unknown): string => frame(JSON.stringify(value));

interface BackChannel {
  res: ServerResponse;
  longPoll: boolean;
  timer?: NodeJS.Timeout;
}

class ChannelSession {
  readonly sid = randomBytes(12).toString("base64url");
  private readonly rpc: protobuf.Method;
  private call: DoorCall | null = null;
  private nextMapId = 0;
  private lastArrayId = 0; // 0 is the handshake's "c" array
  private lastSentId = 0;
  private queue: Array<{ id: number; json: string }> = [];
  private back: BackChannel | null = null;
  private keepalive: NodeJS.Timeout;
  private abandon: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(
    method: string,
    private readonly onGone: (session: ChannelSession) => void,
  ) {
    this.rpc = rpcMethod(method) as protobuf.Method;
    this.keepalive = setInterval(() => {
      if (this.back && !this.back.longPoll) this.enqueue(["noop"]);
    }, KEEPALIVE_MS);
    this.keepalive.unref();
    this.armAbandon();
  }

  open(core: Core, headers: IncomingMessage["headers"], encoded: Record<string, string>): void {
    this.call = startCall(
      core.definition,
      core.impl,
      this.rpc.name,
      null,
      metadataFrom(headers, encoded),
      {
        message: (bytes) => this.enqueue([responseBinaryToJson(this.rpc, bytes)]),
        end: () => this.enqueue(["close"]),
        error: (err) => this.fail(err),
      },
    );
  }

  /** Forward-channel maps: ids below nextMapId were delivered before (a client retry). */
  deliver(form: URLSearchParams): void {
    const count = Number(form.get("count") ?? 0);
    const ofs = Number(form.get("ofs") ?? 0);
    for (let i = 0; i < count; i++) {
      const mapId = ofs + i;
      if (mapId < this.nextMapId) continue;
      this.nextMapId = mapId + 1;
      const data = form.get(`req${i}___data__`);
      if (data === null || !this.call) continue;
      try {
        this.call.push(requestJsonToBinary(this.rpc, JSON.parse(data) as JSONValue));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const code = (err as { code?: unknown }).code;
        this.fail({ code: typeof code === "number" ? code : status.INVALID_ARGUMENT, message });
        this.call.cancel();
      }
    }
  }

  /** Reply to a forward-channel POST: [backChannelPresent, lastArrayIdSent, outstandingBytes]. */
  postReply(): unknown[] {
    const outstanding = this.queue.reduce(
      (n, a) => n + (a.id > this.lastSentId ? a.json.length : 0),
      0,
    );
    return [1, this.lastSentId, outstanding];
  }

  acknowledge(aid: number): void {
    if (Number.isFinite(aid)) this.queue = this.queue.filter((a) => a.id > aid);
  }

  attach(res: ServerResponse, aid: number, longPoll: boolean, holdMs: number): void {
    this.acknowledge(aid);
    this.detach();
    if (this.abandon) clearTimeout(this.abandon);
    this.abandon = null;
    res.writeHead(200, TEXT);
    const back: BackChannel = { res, longPoll };
    this.back = back;
    res.once("close", () => {
      if (this.back === back) this.detach();
    });
    // A re-attached back channel resends everything the client has not acknowledged.
    this.flush(aid);
    if (longPoll && this.back === back) {
      back.timer = setTimeout(() => this.enqueue(["noop"]), holdMs);
    }
  }

  terminate(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.keepalive);
    if (this.abandon) clearTimeout(this.abandon);
    this.call?.cancel();
    this.detach();
    this.onGone(this);
  }

  private fail(err: CallError): void {
    this.enqueue([errorBody(err)]);
  }

  private enqueue(payload: unknown): void {
    if (this.ended) return;
    const id = ++this.lastArrayId;
    this.queue.push({ id, json: JSON.stringify([id, payload]) });
    this.flush(this.lastSentId);
  }

  private flush(after: number): void {
    const back = this.back;
    if (!back) return;
    const pending = this.queue.filter((a) => a.id > after);
    if (pending.length === 0) return;
    const json = `[${pending.map((a) => a.json).join(",")}]`;
    back.res.write(frame(json));
    this.lastSentId = Math.max(this.lastSentId, pending[pending.length - 1]?.id ?? 0);
    if (back.longPoll) this.detach();
  }

  private detach(): void {
    const back = this.back;
    if (!back) return;
    this.back = null;
    if (back.timer) clearTimeout(back.timer);
    if (!back.res.writableEnded) back.res.end();
    this.armAbandon();
  }

  private armAbandon(): void {
    if (this.ended || this.abandon) return;
    this.abandon = setTimeout(() => this.terminate(), ABANDONED_MS);
    this.abandon.unref();
  }
}

/** `k:v\r\n` lines (closure's encoded HTTP headers) -> header map. */
function decodeHeaderBlock(block: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (block ?? "").split("\r\n")) {
    const at = line.indexOf(":");
    if (at > 0) out[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return out;
}

export interface WebChannelDoor {
  route: Route;
  /** Ends every session (the stand-in is stopping or resetting its network side). */
  closeAll(): void;
}

export function webChannelDoor(core: Core): WebChannelDoor {
  const sessions = new Map<string, ChannelSession>();
  const forget = (s: ChannelSession): void => {
    sessions.delete(s.sid);
  };

  const unknownSession = (res: ServerResponse): void => {
    res.writeHead(400, TEXT).end("Unknown SID");
  };

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = CHANNEL.exec(url.pathname)?.[1] ?? "Listen";
    const q = url.searchParams;
    const sid = q.get("SID");
    const type = q.get("TYPE");
    if (req.method !== "POST") req.resume();
    const form = new URLSearchParams(req.method === "POST" ? await readBody(req) : "");
    const session = sid ? sessions.get(sid) : undefined;

    if (type === "terminate") {
      session?.terminate();
      res.writeHead(200, TEXT).end();
      return;
    }
    if (req.method === "GET") {
      if (!session) return unknownSession(res);
      const timeout = Number(q.get("TO"));
      const hold = Number.isFinite(timeout) && timeout > 0 ? timeout : LONG_POLL_MS;
      session.attach(res, Number(q.get("AID") ?? -1), q.get("CI") === "1", hold);
      return;
    }
    if (!sid) {
      const fresh = new ChannelSession(method, forget);
      sessions.set(fresh.sid, fresh);
      const encoded = {
        ...decodeHeaderBlock(q.get("$httpHeaders")),
        ...decodeHeaderBlock(form.get("headers")),
      };
      fresh.open(core, req.headers, encoded);
      fresh.deliver(form);
      res
        .writeHead(200, { ...TEXT, "X-HTTP-Session-Id": fresh.sid })
        .end(chunk([[0, ["c", fresh.sid, "", 8, 14, KEEPALIVE_MS]]]));
      return;
    }
    if (!session) return unknownSession(res);
    session.acknowledge(Number(q.get("AID") ?? -1));
    session.deliver(form);
    res.writeHead(200, TEXT).end(chunk(session.postReply()));
  }

  return {
    route: {
      matches: (method, path) => (method === "GET" || method === "POST") && CHANNEL.test(path),
      handle,
    },
    closeAll: () => {
      for (const s of [...sessions.values()]) s.terminate();
    },
  };
}
