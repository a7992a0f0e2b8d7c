// Headless Chromium for the browser tiers. The binary comes from npm (@sparticuz/chromium ships
// it inside the package, so `npm install` is the whole set-up); Debian's /usr/bin/chromium is
// used instead when CHROMIUM_PATH points at it. Flags keep Chromium off the (closed) network.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--autoplay-policy=no-user-gesture-required",
];

/** Path of the Chromium binary: CHROMIUM_PATH if set, else the one shipped in @sparticuz/chromium. */
export async function chromiumPath(): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const { default: sparticuz } = await import("@sparticuz/chromium");
  // Unpacks the brotli-compressed binary into the OS temp directory once, then reuses it.
  return sparticuz.executablePath();
}

/** Starts headless Chromium; close it with browser.close(). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumPath(), args: FLAGS, headless: true });
}
