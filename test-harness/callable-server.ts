/**
 * Serves callable functions (the onCall wrappers from src/index.ts) from this process over
 * HTTP, parsed like Cloud Functions does (express JSON body). Unlike the Functions emulator,
 * which sets FIREBASE_DEBUG_MODE and skips ID token verification, the wrappers here verify
 * tokens with firebase-admin (against the Auth emulator when FIREBASE_AUTH_EMULATOR_HOST is set).
 */
import type { AddressInfo } from "node:net";
import type { Request, Response } from "express";
import { express } from "./admin";

export type HttpHandler = (req: Request, res: Response) => void | Promise<void>;

export async function serveCallables(
  handlers: Record<string, HttpHandler>,
): Promise<{ origin: string; stop: () => Promise<void> }> {
  const app = express();
  app.use(express.json({ limit: "10mb" }));
  for (const [name, handler] of Object.entries(handlers))
    app.post(`/${name}`, (req, res) => void handler(req, res));
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
