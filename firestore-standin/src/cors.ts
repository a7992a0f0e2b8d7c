// CORS for pages served from any localhost origin (what the official emulator allows in
// practice). The SDKs send credentials (XHR withCredentials), so the origin is echoed rather
// than "*". Other origins get no CORS headers and the browser blocks them.
import type { IncomingMessage, ServerResponse } from "node:http";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isLocalOrigin(origin: string): boolean {
  try {
    const { hostname, protocol } = new URL(origin);
    if (protocol !== "http:" && protocol !== "https:") return false;
    return LOCAL_HOSTS.has(hostname) || hostname.endsWith(".localhost");
  } catch {
    return false;
  }
}

/** Adds CORS headers to res; answers a preflight completely. Returns true if req was one. */
export function applyCors(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  const allowed = typeof origin === "string" && isLocalOrigin(origin);
  res.setHeader("Vary", "Origin");
  if (allowed) {
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Access-Control-Allow-Credentials", "true");
    res.setHeader("Access-Control-Expose-Headers", "X-HTTP-Session-Id, X-Client-Wire-Protocol");
  }
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"];
  if (!preflight) return false;
  if (allowed) {
    res.setHeader("Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE, OPTIONS");
    const asked = req.headers["access-control-request-headers"];
    if (asked) res.setHeader("Access-Control-Allow-Headers", asked);
    res.setHeader("Access-Control-Max-Age", "3600");
  }
  res.writeHead(allowed ? 204 : 403).end();
  req.resume();
  return true;
}
