// Browser conformance harness: the page (web SDK bundled by esbuild for the browser) is served
// from its own HTTP server on an ephemeral port, so every SDK request to the stand-in is
// cross-origin and CORS is exercised; Chromium comes from stack/browser.ts.
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";

import { launchBrowser } from "../../../stack/browser";
import { startStandin, type RunningStandin } from "../../src/index";
import { adminDbAt, PROJECT_ID, type AdminDb } from "../helpers";
import type { PageApi, Seen } from "./page-entry";

export type { Seen };

let bundled: Promise<string> | null = null;

/** The page script, built once per process. */
function pageBundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [path.join(__dirname, "page-entry.ts")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2020",
    logLevel: "silent",
  }).then((out) => out.outputFiles[0]?.text ?? "");
  return bundled;
}

async function servePage(): Promise<{ origin: string; close(): Promise<void> }> {
  const script = await pageBundle();
  const server = http.createServer((req, res) => {
    if (req.url === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    } else {
      res
        .writeHead(200, { "content-type": "text/html" })
        .end('<!doctype html><title>stand-in</title><script src="/app.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Web SDK transport settings under test. */
export const TRANSPORTS = {
  // firebase 12's default: WebChannel streaming that falls back to long polling when it
  // detects a buffering proxy.
  default: {},
  streaming: { experimentalAutoDetectLongPolling: false },
  longPolling: { experimentalForceLongPolling: true },
} as const;
export type TransportName = keyof typeof TRANSPORTS;

type Api = { standinPage: PageApi };

/** One browser for a test file, pages on a local origin, stand-ins on free ports. */
export class BrowserRig {
  private browser: Browser | null = null;
  private server: { origin: string; close(): Promise<void> } | null = null;
  private readonly standins = new Set<RunningStandin>();
  private readonly backChannels = new WeakMap<Page, string[]>();

  async start(): Promise<void> {
    [this.browser, this.server] = await Promise.all([launchBrowser(), servePage()]);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.standins].map((s) => s.stop()));
    this.standins.clear();
    await this.browser?.close();
    await this.server?.close();
  }

  async standin(port = 0): Promise<RunningStandin> {
    const running = await startStandin({ port, lockTimeoutMs: 5_000 });
    this.standins.add(running);
    const stop = running.stop.bind(running);
    running.stop = async () => {
      this.standins.delete(running);
      await stop();
    };
    return running;
  }

  /**
   * The WebChannel modes a page's back channels used: CI=0 streams chunks, CI=1 long-polls.
   */
  channelModes(page: Page): Set<"streaming" | "long polling"> {
    const urls = this.backChannels.get(page) ?? [];
    return new Set(
      urls.map((u) => (new URL(u).searchParams.get("CI") === "1" ? "long polling" : "streaming")),
    );
  }

  /** A fresh page (own browser context) connected to the stand-in on `port`. */
  async page(port: number, transport: TransportName = "default"): Promise<Page> {
    if (!this.browser || !this.server) throw new Error("start() first");
    const context = await this.browser.newContext();
    const page = await context.newPage();
    page.on("pageerror", (err) => console.error("page error:", err.message));
    const backChannels: string[] = [];
    this.backChannels.set(page, backChannels);
    page.on("request", (req) => {
      if (req.url().includes("/channel?") && req.url().includes("RID=rpc"))
        backChannels.push(req.url());
    });
    await page.goto(`${this.server.origin}/`);
    await page.waitForFunction(() => "standinPage" in globalThis);
    await page.evaluate(
      ([p, settings, project]) =>
        (globalThis as unknown as Api).standinPage.connect(p, settings, project),
      [port, TRANSPORTS[transport], PROJECT_ID] as const,
    );
    return page;
  }
}

/** Calls a method of the page's API with JSON-serializable arguments. */
export function inPage<K extends keyof PageApi>(
  page: Page,
  method: K,
  ...args: PageApi[K] extends (...a: infer A) => unknown ? A : never
): Promise<PageApi[K] extends (...a: never[]) => infer R ? Awaited<R> : never> {
  return page.evaluate(
    ({ method: m, args: a }) => {
      const fn = (globalThis as unknown as Api).standinPage[m] as (...x: unknown[]) => unknown;
      return fn(...a);
    },
    { method, args },
  ) as never;
}

/** Waits until the latest thing listener `name` saw satisfies `test` (polls the page's state). */
export async function waitForSeen(
  page: Page,
  name: string,
  test: (latest: Seen) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<Seen> {
  const deadline = Date.now() + timeoutMs;
  let latest: Seen | undefined;
  for (;;) {
    const all = await page.evaluate(
      (n) => (globalThis as unknown as Api).standinPage.seen[n] ?? [],
      name,
    );
    latest = all[all.length - 1];
    if (latest && test(latest)) return latest;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(latest)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** firebase-admin (gRPC) on the stand-in at `port`. */
export const adminDb = (port: number) => adminDbAt(port);

/**
 * Runs `fn` with a fresh stand-in, firebase-admin on it, and a page connected with `transport`;
 * everything is torn down afterwards.
 */
export async function withStandin(
  rig: BrowserRig,
  transport: TransportName,
  fn: (env: { page: Page; admin: AdminDb; port: number }) => Promise<void>,
): Promise<void> {
  const standin = await rig.standin();
  const admin = adminDb(standin.port);
  try {
    const page = await rig.page(standin.port, transport);
    await fn({ page, admin: admin.db, port: standin.port });
    await page.context().close();
  } finally {
    await admin.close();
    await standin.stop();
  }
}
