// The HTTP/1.1 side of the port: a list of routes tried in order, with CORS applied to every
// response first. Routes: the official emulator's reset and liveness helpers, the REST and
// WebChannel front doors (see index.ts for the list).
import http, { type IncomingMessage, type ServerResponse } from "node:http";

import { applyCors } from "./cors";

export interface Route {
  /** Whether this route serves `method` on `path` (the URL path without its query). */
  matches(method: string, path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void | Promise<void>;
}

export function createHttpHandler(routes: Route[]): http.Server {
  return http.createServer((req, res) => {
    if (applyCors(req, res)) return;
    const url = new URL(req.url ?? "/", "http://standin.invalid");
    const method = req.method ?? "GET";
    const route = routes.find((r) => r.matches(method, url.pathname));
    if (!route) {
      req.resume();
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
      return;
    }
    Promise.resolve(route.handle(req, res, url)).catch((err: unknown) => {
      console.error("firestore-standin: HTTP handler failed:", err);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal error\n");
    });
  });
}

const RESET = /^\/emulator\/v1\/projects\/[^/]+\/databases\/[^/]+\/documents\/?$/;

/** DELETE .../documents clears the store, as on the official emulator. */
export function resetRoute(reset: () => void): Route {
  return {
    matches: (method, path) => method === "DELETE" && RESET.test(path),
    handle: (req, res) => {
      req.resume();
      reset();
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    },
  };
}

/** GET / answers "Ok" (what readiness probes of the official emulator expect). */
export const livenessRoute: Route = {
  matches: (method, path) => method === "GET" && path === "/",
  handle: (req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/plain" }).end("Ok\n");
  },
};

/** The whole request body as text; rejects bodies over `limit` bytes. */
export function readBody(req: IncomingMessage, limit = 32 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`request body over ${limit} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
