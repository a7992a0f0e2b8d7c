// Vite config of Phoenix Studio. The app lives in web/ but imports the typed client (client/)
// and the shared contract (functions/src/contract), so the dev server may read the repo root.
// The local stack's addresses are added by web/server.ts (`npm run web`), not here: a build for
// a real project (VITE_FIREBASE_* set) carries none of them.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webRoot, "..");

export default defineConfig({
  root: webRoot,
  cacheDir: path.join(repoRoot, "node_modules", ".vite", "phoenix-studio"),
  server: { port: 5173, strictPort: true, fs: { allow: [repoRoot] } },
  build: {
    outDir: path.join(webRoot, "dist"),
    emptyOutDir: true,
    target: "es2022",
    // Auth + Firestore + Functions + zod: ~650 kB minified, ~190 kB gzipped, all needed at start.
    chunkSizeWarningLimit: 800,
  },
  logLevel: "warn",
});
