// The official emulator's REST helpers that tests rely on: reset (DELETE documents) and a
// liveness answer on GET /.
import http from "node:http";

const RESET = /^\/emulator\/v1\/projects\/[^/]+\/databases\/[^/]+\/documents\/?$/;

/** Extra routes (security rules); returns true when it handled the request. */
export type HttpRoute = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export function createHttpHandler(reset: () => void, route?: HttpRoute): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (route?.(req, res)) return;
    if (req.method === "DELETE" && RESET.test(path)) {
      reset();
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    } else if (req.method === "GET" && path === "/") {
      res.writeHead(200, { "content-type": "text/plain" }).end("Ok\n");
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
    }
    req.resume();
  });
}
