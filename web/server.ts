// The Vite server of Phoenix Studio, shared by `npm run web` and the browser tier.
import path from "node:path";
import type { ViteDevServer } from "vite";
import { HOST, PORTS, PROJECT_ID, REPO_ROOT } from "../stack/config";

export const STUDIO_PORT = 5173;
const CONFIG_FILE = path.join(REPO_ROOT, "web", "vite.config.mts");

export interface StudioServer {
  url: string;
  close(): Promise<void>;
}

/** Serves web/ on HOST:port (0 = any free port); fails at once when the port is taken. */
export async function startStudio(port: number = STUDIO_PORT): Promise<StudioServer> {
  const { createServer } = await import("vite");
  const server: ViteDevServer = await createServer({
    configFile: CONFIG_FILE,
    server: { host: HOST, port, strictPort: true },
    // The app reads these when no real project is configured (web/src/firebase.ts).
    define: {
      __LOCAL_STACK__: JSON.stringify({ host: HOST, projectId: PROJECT_ID, ports: PORTS }),
    },
    clearScreen: false,
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === "string")
    throw new Error("the Vite server has no TCP address");
  return { url: `http://${HOST}:${address.port}`, close: () => server.close() };
}
