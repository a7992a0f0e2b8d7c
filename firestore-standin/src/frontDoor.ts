// One port for gRPC and HTTP/1.1 (like the official emulator): peek at the first bytes of
// each connection; the HTTP/2 preface goes to gRPC, anything else to the HTTP handler.
import type { Server as HttpServer } from "node:http";
import net from "node:net";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export interface FrontDoor {
  port: number;
  close(): Promise<void>;
}

export async function openFrontDoor(
  host: string,
  port: number,
  toGrpc: (socket: net.Socket) => void,
  http: HttpServer,
): Promise<FrontDoor> {
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(0, "127.0.0.1", resolve);
  });
  const httpAddress = http.address();
  const httpPort = typeof httpAddress === "object" && httpAddress ? httpAddress.port : 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, PREFACE.length);
      const couldBeHttp2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (couldBeHttp2 && seen.length < PREFACE.length) return; // need more bytes to decide
      socket.off("data", onData);
      socket.pause();
      if (couldBeHttp2) {
        // http2 sessions pick up data unshifted into the socket; the HTTP/1 parser does not
        // (it reads the native handle), so HTTP/1 goes through a local pipe instead.
        socket.unshift(seen);
        toGrpc(socket);
      } else {
        const upstream = net.connect(httpPort, "127.0.0.1", () => {
          upstream.write(seen);
          socket.pipe(upstream).pipe(socket);
          socket.resume();
        });
        upstream.on("error", () => socket.destroy());
        socket.once("close", () => upstream.destroy());
      }
    };
    socket.on("data", onData);
    socket.on("error", () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            http.closeAllConnections();
            server.close(() => http.close(() => done()));
          }),
      });
    });
  });
}
