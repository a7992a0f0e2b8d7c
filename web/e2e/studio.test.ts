// Phoenix Studio in headless Chromium against the local stack, as a person uses it on a phone:
// sign-up → welcome balance → submit → progress → the draft plays → publish → feed → delete;
// a content-policy failure refunded in balance and ledger; a bad input refused at its field.
// Every wait is on DOM state with a bound; a screenshot of each step goes to out/studio/.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { launchBrowser } from "../../stack/browser";
import { REPO_ROOT } from "../../stack/config";
import { resetFirestore } from "../../test-harness/emulators";
import { db } from "../../test-harness/pipeline";
import { ffmpegBinary } from "../../functions/src/models/local-render";
import { startStudio, type StudioServer } from "../server";
import {
  PageProblems,
  recordCardStates,
  verificationLink,
  videoState,
  type CardState,
} from "./page-helpers";

const SHOTS = path.join(REPO_ROOT, "out", "studio");
/** Bounds for one step on a loaded 2-core machine; the usual time is a few seconds. */
const STEP_MS = 60_000;
const PHONE = { width: 360, height: 780 }; // a small Android phone; iPhones are wider

describe("browser: Phoenix Studio in headless Chromium", function () {
  this.timeout(4 * STEP_MS);
  // Each step builds on the one before: after a failure the rest would only time out.
  this.bail(true);
  let studio: StudioServer;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let shot = 0;

  const screenshot = async (name: string) => {
    shot += 1;
    await page.screenshot({
      path: path.join(SHOTS, `${String(shot).padStart(2, "0")}-${name}.png`),
      fullPage: true,
    });
  };
  const balance = () => page.getByTestId("balance");
  const myCard = (id: string) =>
    page.getByTestId("my-creations").locator(`[data-creation-id="${id}"]`);
  const feedCard = (id: string) => page.getByTestId("feed").locator(`[data-creation-id="${id}"]`);
  const balanceValue = async () => Number(await balance().getAttribute("data-value"));

  /** Fills the form for a 4 s portrait video, submits it and returns the new card's id. */
  async function submit(prompt: string): Promise<string> {
    const before = await page.getByTestId("my-creations").locator("[data-creation-id]").count();
    await page.getByLabel("Prompt", { exact: true }).fill(prompt);
    await page.getByText("4 s", { exact: true }).click();
    expect(await page.getByTestId("cost").textContent()).to.match(/^Cost: \d+ tokens/);
    await page.getByRole("button", { name: "Generate" }).click();
    await page.getByText(/^Queued: /).waitFor({ timeout: STEP_MS });
    const cards = page.getByTestId("my-creations").locator("[data-creation-id]");
    await page.waitForFunction(
      (n) =>
        document.querySelectorAll('[data-testid="my-creations"] [data-creation-id]').length > n,
      before,
      { timeout: STEP_MS },
    );
    return (await cards.first().getAttribute("data-creation-id"))!;
  }

  const waitForStatus = (card: Locator, status: string) =>
    card.and(page.locator(`[data-status="${status}"]`)).waitFor({ timeout: STEP_MS });

  before(async () => {
    // The feed shows what this run publishes, not what earlier tiers left on the shared stack.
    await resetFirestore();
    mkdirSync(SHOTS, { recursive: true });
    studio = await startStudio(0);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1 });
    page = await context.newPage();
    problems = new PageProblems(page);
    await page.goto(studio.url);
  });
  after(async () => {
    await browser?.close();
    await studio?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state !== "failed") return;
    // What the page showed and logged (e.g. "Could not reach Cloud Firestore backend").
    await screenshot("failed").catch(() => undefined);
    console.log(problems.report());
  });

  let welcome = 0;
  it("signs a new user up, verifies the address and shows the welcome balance, live", async () => {
    const email = `studio-${Date.now()}@phoenix.test`;
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("password-123");
    await screenshot("sign-up");
    await page.getByRole("button", { name: "Create account" }).click();
    // Email accounts get the welcome grant once their address is verified.
    const banner = page.getByTestId("welcome");
    await banner
      .getByText("Verify your email address")
      .waitFor({ timeout: STEP_MS })
      .catch((err: Error) => {
        throw new Error(
          problems.firestoreUnreachable
            ? "the page's Firestore listeners got no snapshot from the server: the Firestore " +
                "stand-in must serve the browser SDK's WebChannel (Listen) door on 127.0.0.1:8080"
            : `no welcome banner shown: ${err.message}`,
        );
      });
    expect(await balance().getAttribute("data-value")).to.equal("0");
    await screenshot("verify-email");
    // Claiming before following the link is refused with advice; a new link can be sent.
    await banner.getByRole("button", { name: "I have verified it" }).click();
    await banner.getByText("Not verified yet").waitFor({ timeout: STEP_MS });
    await banner.getByRole("button", { name: "Send the link again" }).click();
    await banner.getByText("A new link is on its way").waitFor({ timeout: STEP_MS });
    // The user opens the link from the mail (the Auth emulator's inbox), then comes back.
    const mail = await page.context().newPage();
    await mail.goto(await verificationLink(email));
    await mail.getByText("successfully verified").waitFor({ timeout: STEP_MS });
    await mail.close();
    await banner.getByRole("button", { name: "I have verified it" }).click();
    await balance()
      .and(page.locator("[data-value]:not([data-value='0'])"))
      .waitFor({ timeout: STEP_MS });
    welcome = await balanceValue();
    expect(welcome).to.be.greaterThan(0);
    expect(await balance().textContent()).to.equal(`${welcome} tokens`);
    await banner.waitFor({ state: "hidden", timeout: STEP_MS });
    // The ledger explains the balance: one grant of the same amount.
    const grant = page.getByTestId("ledger").locator('tr[data-type="grant"]');
    await grant.waitFor({ timeout: STEP_MS });
    expect(await grant.locator(".amount").textContent()).to.equal(`+${welcome}`);
    await screenshot("welcome-balance");
  });

  let creationId = "";
  let states: CardState[] = [];
  it("submits a 4 s video, debits it, and shows its progress move to a draft", async () => {
    await recordCardStates.install(page);
    creationId = await submit("A paper boat drifting down a rainy street at dusk");
    await screenshot("submitted");
    await waitForStatus(myCard(creationId), "draft");
    states = await recordCardStates.read(page, creationId);
    const active = states.filter((s) => s.status === "pending" || s.status === "processing");
    expect(active.length, JSON.stringify(states)).to.be.greaterThan(0);
    const progress = states.map((s) => s.progress);
    expect(progress, "progress never goes back").to.deep.equal([...progress].sort((a, b) => a - b));
    expect(new Set(progress).size, `progress moved: ${JSON.stringify(states)}`).to.be.greaterThan(
      1,
    );
    expect(states.at(-1)?.status).to.equal("draft");
    const cost = Number(
      /(\d+) tokens/.exec((await myCard(creationId).locator(".muted").first().textContent())!)?.[1],
    );
    await balance()
      .and(page.locator(`[data-value="${welcome - cost}"]`))
      .waitFor({ timeout: STEP_MS });
  });

  it("plays the draft: the <video> has data and the duration asked", async () => {
    const video = myCard(creationId).locator("video");
    await page.waitForFunction(
      (id) => {
        const v = document.querySelector<HTMLVideoElement>(
          `[data-testid="my-creations"] [data-creation-id="${id}"] video`,
        );
        return !!v && (v.readyState >= 2 || v.error !== null);
      },
      creationId,
      { timeout: STEP_MS },
    );
    const state = await videoState(video);
    expect(state.error, "media error").to.equal(null);
    expect(state.readyState).to.be.at.least(2);
    expect(state.duration).to.be.closeTo(4, 0.1);
    expect(state.height, "9:16 is portrait").to.be.greaterThan(state.width);
    await screenshot("draft-plays");
  });

  it("continues the draft from its last frame (the new video starts where it ends)", async () => {
    await myCard(creationId).getByRole("button", { name: "Continue from last frame" }).click();
    expect(await page.getByTestId("start-from").textContent()).to.equal(
      "Starting from the last frame of your video",
    );
    await screenshot("continue-from-last-frame");
    const next = await submit("The paper boat sails on into the night");
    await waitForStatus(myCard(next), "draft");
    const stored = await db().doc(`creations/${next}`).get();
    expect(stored.get("inputs")).to.deep.equal({
      image: {
        kind: "frame",
        creationId,
        frame: "last",
        mediaPath: (stored.get("mediaPath") as string).replace(next, creationId),
      },
    });
    expect(await page.getByTestId("start-from").isVisible()).to.equal(false);
    await screenshot("continued-draft");
  });

  it("animates a picked image: uploaded, then sent as the first frame", async () => {
    const png = execFileSync(ffmpegBinary(), [
      ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=360x640"],
      ...["-frames:v", "1", "-f", "image2", "-c:v", "png", "pipe:1"],
    ]);
    await page
      .getByLabel(/Start from an image/)
      .setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: png });
    // With the prompt rewriter on (Advanced), the card shows the prompt as the model rewrote it.
    const advanced = page.getByText("Advanced");
    const enhance = page.getByLabel(/Enhance my prompt/);
    await advanced.click();
    await enhance.check();
    await screenshot("image-picked");
    await advanced.click();
    const animated = await submit("The test card comes alive");
    await waitForStatus(myCard(animated), "draft");
    const stored = await db().doc(`creations/${animated}`).get();
    expect(stored.get("inputs.image.kind")).to.equal("upload");
    expect(stored.get("inputs.image.contentType")).to.equal("image/png");
    expect(stored.get("inputs.image.size")).to.equal(png.length);
    expect(stored.get("enhancePrompt")).to.equal(true);
    const rewritten = myCard(animated).getByTestId("enhanced-prompt");
    expect(await rewritten.textContent()).to.equal(
      `Rewritten by the model: ${stored.get("enhancedPrompt") as string}`,
    );
    expect(stored.get("enhancedPrompt")).to.match(/^The test card comes alive\. /);
    await screenshot("image-animated");
    await advanced.click();
    await enhance.uncheck();
    await advanced.click();
  });

  it("publishes the draft, which then appears in the public feed", async () => {
    await myCard(creationId).getByRole("button", { name: "Publish" }).click();
    await waitForStatus(myCard(creationId), "published");
    await feedCard(creationId).waitFor({ timeout: STEP_MS });
    expect(await feedCard(creationId).locator(".prompt").textContent()).to.equal(
      "A paper boat drifting down a rainy street at dusk",
    );
    await screenshot("published-in-feed");
  });

  it("deletes it: gone from the user's videos and from the feed", async () => {
    await myCard(creationId).getByRole("button", { name: "Delete" }).click();
    await myCard(creationId).waitFor({ state: "detached", timeout: STEP_MS });
    await feedCard(creationId).waitFor({ state: "detached", timeout: STEP_MS });
    await screenshot("deleted");
  });

  it("shows a content-policy failure with the refund in balance and ledger", async () => {
    const before = await balanceValue();
    const failedId = await submit("a cat on a skateboard [[policy]]");
    const card = myCard(failedId);
    await waitForStatus(card, "failed");
    await card
      .getByTestId("status")
      .getByText(/refunded/)
      .waitFor({ timeout: STEP_MS });
    expect(await card.getByRole("alert").textContent()).to.match(/content policy/i);
    await balance()
      .and(page.locator(`[data-value="${before}"]`))
      .waitFor({ timeout: STEP_MS });
    const ledger = page.getByTestId("ledger");
    const refund = ledger.locator(`tr[data-type="refund"][data-creation-id="${failedId}"]`);
    await refund.waitFor({ timeout: STEP_MS });
    const debit = ledger.locator(
      `tr[data-type="video_generation"][data-creation-id="${failedId}"]`,
    );
    const [plus, minus] = [
      await refund.locator(".amount").textContent(),
      await debit.locator(".amount").textContent(),
    ];
    expect(Number(plus)).to.equal(-Number(minus));
    await screenshot("policy-refunded");
  });

  it("refuses bad input with the field's own message, before any charge", async () => {
    const before = await balanceValue();
    await page.getByLabel("Prompt", { exact: true }).fill("   ");
    await page.getByText("Advanced").click();
    await page.getByLabel("Seed").fill("-3");
    await page.getByRole("button", { name: "Generate" }).click();
    const promptError = page.locator('[data-error-for="prompt"]');
    await promptError.getByText("Describe the video").waitFor({ timeout: STEP_MS });
    expect(await page.locator('[data-error-for="seed"]').textContent()).to.match(
      /whole number from 0/,
    );
    expect(await page.getByLabel("Prompt", { exact: true }).getAttribute("aria-invalid")).to.equal(
      "true",
    );
    expect(await balanceValue()).to.equal(before);
    await screenshot("bad-input");
    expect(problems.pageErrors, "uncaught errors in the page").to.deep.equal([]);
  });

  it("stays within a phone's width, and uses two columns on a wide screen", async () => {
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow, "horizontal overflow at phone width (px)").to.be.at.most(0);
    await page.setViewportSize({ width: 1280, height: 900 });
    const form = await page.getByRole("form", { name: "New video" }).boundingBox();
    const feed = await page.getByRole("region", { name: "Public feed" }).boundingBox();
    expect(feed!.x, "the feed sits beside the form").to.be.greaterThan(form!.x + form!.width);
    await screenshot("wide-screen");
  });

  it("signs out; a second account verifies through the local Auth emulator button", async () => {
    await page.setViewportSize(PHONE);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Email").fill(`studio-2-${Date.now()}@phoenix.test`);
    await page.getByLabel("Password").fill("password-123");
    await page.getByRole("button", { name: "Create account" }).click();
    const banner = page.getByTestId("welcome");
    await banner.getByRole("button", { name: "Verify with the Auth emulator" }).click();
    await balance()
      .and(page.locator(`[data-value="${welcome}"]`))
      .waitFor({ timeout: STEP_MS });
    await banner.waitFor({ state: "hidden", timeout: STEP_MS });
    expect(await page.getByTestId("my-creations").locator("[data-creation-id]").count()).to.equal(
      0,
    );
  });
});
