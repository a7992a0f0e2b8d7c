// What the browser tier reads from the page besides plain DOM queries.
import type { Locator, Page } from "playwright-core";
import { HOST, PORTS, PROJECT_ID } from "../../stack/config";

/** Uncaught errors and SDK warnings of the page, to explain a failed wait. */
export class PageProblems {
  readonly pageErrors: string[] = [];
  private readonly console: string[] = [];

  constructor(page: Page) {
    page.on("pageerror", (err) => this.pageErrors.push(err.message));
    page.on("requestfailed", (request) =>
      this.console.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
    );
    page.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") this.console.push(msg.text());
    });
  }

  /** The browser SDK says so when its listeners cannot reach the Firestore server. */
  get firestoreUnreachable(): boolean {
    return this.console.some(
      (line) =>
        line.includes("Could not reach Cloud Firestore backend") ||
        (line.includes("Firestore/Listen/channel") && line.includes("CORS")),
    );
  }

  report(): string {
    const tail = this.console.slice(-15);
    return [
      `page errors: ${this.pageErrors.length ? this.pageErrors.join(" | ") : "none"}`,
      `last console errors/warnings (${this.console.length} in all):`,
      ...tail.map((line) => `  ${line.slice(0, 300)}`),
    ].join("\n");
  }
}

export interface CardState {
  status: string;
  progress: number;
}

declare global {
  interface Window {
    __cardStates?: Record<string, CardState[]>;
  }
}

/**
 * Every state a card of "My videos" shows, in order, recorded in the page by a
 * MutationObserver: the test sees each render, not only the ones its polls happen to catch.
 */
export const recordCardStates = {
  async install(page: Page): Promise<void> {
    // No named functions inside: tsx would wrap them in a helper the page does not have.
    await page.evaluate(() => {
      const seen: Record<string, CardState[]> = (window.__cardStates = {});
      const list = document.querySelector('[data-testid="my-creations"]');
      if (!list) throw new Error("no creations list on the page");
      new MutationObserver(() => {
        for (const card of list.querySelectorAll<HTMLElement>("[data-creation-id]")) {
          const state = {
            status: card.dataset.status ?? "",
            progress: card.querySelector("progress")?.value ?? 0,
          };
          const states = (seen[card.dataset.creationId!] ??= []);
          const last = states.at(-1);
          if (!last || last.status !== state.status || last.progress !== state.progress) {
            states.push(state);
          }
        }
      }).observe(list, { subtree: true, childList: true, attributes: true, characterData: true });
    });
  },
  read(page: Page, creationId: string): Promise<CardState[]> {
    return page.evaluate((id) => window.__cardStates?.[id] ?? [], creationId);
  },
};

export interface VideoState {
  readyState: number;
  duration: number;
  width: number;
  height: number;
  error: string | null;
}

export function videoState(video: Locator): Promise<VideoState> {
  return video.evaluate((v: HTMLVideoElement) => ({
    readyState: v.readyState,
    duration: v.duration,
    width: v.videoWidth,
    height: v.videoHeight,
    error: v.error ? `${v.error.code} ${v.error.message}` : null,
  }));
}

/** The verification link the Auth emulator "mailed" to `email` (its inbox is a REST endpoint). */
export async function verificationLink(email: string): Promise<string> {
  const inbox = `http://${HOST}:${PORTS.auth}/emulator/v1/projects/${PROJECT_ID}/oobCodes`;
  const { oobCodes = [] } = (await (await fetch(inbox)).json()) as {
    oobCodes?: { email: string; requestType: string; oobLink: string }[];
  };
  const mail = oobCodes.findLast((c) => c.email === email && c.requestType === "VERIFY_EMAIL");
  if (!mail) throw new Error(`no verification mail for ${email} in the Auth emulator`);
  return mail.oobLink;
}
