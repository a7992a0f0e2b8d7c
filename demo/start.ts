// `npm start -- [prompt] [options]`: one video end to end through the Firebase JS client SDK
// against the local stack, the way an app would do it. See USAGE in args.ts.
//
// Exit codes: 0 the video was saved, or a failure the prompt asked for ([[policy]],
// [[permanent]]) ended refunded; 1 anything else (unexpected failure, missing refund,
// timeout, stack problem); 2 bad options or input; 130 interrupted.
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  generateVideo,
  generateVideoInput,
  isInsufficientTokens,
  isInvalidArgument,
  previewCost,
  uploadImage,
  validate,
  waitForEnd,
  type CreationSnapshot,
} from "../client";
import { REPO_ROOT } from "../stack/config";
import { signUpVerifiedUser, waitForBalance } from "./account";
import { asksForFailure, imageTypeOf, parseDemoArgs, UsageError, USAGE } from "./args";
import { downloadVideo } from "./download";
import { connectClient, type ClientSdk } from "./firebase-client";
import { formatLedger, ledgerOf, sumOf } from "./ledger";
import { StackProblem, StackSession, type DemoStack } from "./local-stack";
import { ProgressView } from "./progress";

const OUT_DIR = path.join(REPO_ROOT, "out");
const WELCOME_TIMEOUT_MS = 30_000;
const SETTLE_TIMEOUT_MS = 10_000;

const t0 = Date.now();
const since = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const say = (line: string) => console.log(line);

class DemoFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

let demoStack: DemoStack | undefined;
let client: ClientSdk | undefined;
let shuttingDown: Promise<void> | undefined;
const session = new StackSession(say, shutdown);

/** `--image FILE`, read before anything starts: a missing or unsupported file is a usage error. */
async function readImageArg(file: string) {
  const type = imageTypeOf(file);
  const bytes = await readFile(file).catch((err: unknown) => {
    throw new DemoFailure(`--image: cannot read ${file}: ${String(err)}`, 2);
  });
  return { type, bytes: new Uint8Array(bytes) };
}

async function main(): Promise<number> {
  const args = parseDemoArgs(process.argv.slice(2));
  if (args.help) {
    say(USAGE);
    return 0;
  }
  // Bad input fails here, before anything starts (the call validates again).
  try {
    validate(generateVideoInput, args.input);
  } catch (err) {
    if (isInvalidArgument(err))
      throw new DemoFailure(`invalid ${err.details.fields.join(", ")}\n\n${USAGE}`, 2);
    throw err;
  }
  const image = args.imageFile ? await readImageArg(args.imageFile) : undefined;
  say("Phoenix video engine — local demo (Ctrl-C to stop)");
  demoStack = await session.ensureStack();
  say(`✔ local stack ${demoStack.started ? "started" : "reused (already running)"} at ${since()}`);
  const crashed = demoStack.stack.crashed.then((message) =>
    Promise.reject(new DemoFailure(message)),
  );
  crashed.catch(() => undefined); // observed by the races below

  client = connectClient();
  const { db, functions, auth } = client;
  const user = await signUpVerifiedUser(auth, functions);
  say(`✔ signed up ${user.email} (uid ${user.uid}) on the Auth emulator; email verified`);
  if (!user.welcome.granted)
    throw new DemoFailure(`no welcome grant: ${user.welcome.reason ?? "unknown"}`);
  const before = await waitForBalance(
    db,
    user.uid,
    (b) => b > 0,
    WELCOME_TIMEOUT_MS,
    "welcome balance",
  );
  say(`✔ welcome grant claimed: balance ${before} tokens`);

  const { model, duration, resolution, generateAudio, sampleCount } = generateVideoInput.parse(
    args.input,
  );
  const price = previewCost(args.input);
  const videos = sampleCount > 1 ? ` × ${sampleCount} videos` : "";
  say(
    `▶ model ${model}: ${price?.tokensPerSecond} tokens/s at ${resolution}${generateAudio ? " with audio" : ""} → ${price?.cost} tokens for ${duration} s${videos}`,
  );
  if (image) {
    const uploadId = await uploadImage(functions, image.bytes, image.type);
    say(`✔ uploaded ${args.imageFile} (${image.bytes.length} bytes, ${image.type}) as ${uploadId}`);
    args.input.image = uploadId;
  }
  say(`▶ generateVideo ${JSON.stringify(args.input)}`);
  const queued = await generateVideo(functions, args.input).catch((err: unknown) => {
    if (isInvalidArgument(err))
      throw new DemoFailure(`invalid input: ${err.details.fields.join(", ")}\n\n${USAGE}`, 2);
    if (isInsufficientTokens(err))
      throw new DemoFailure(
        `not enough tokens: ${err.details.required} needed, ${err.details.balance} available`,
        2,
      );
    throw err;
  });
  say(
    `✔ creation ${queued.creationId} queued: cost ${queued.cost} tokens, balance now ${queued.balance}`,
  );

  const view = new ProgressView();
  const end = await Promise.race([
    waitForEnd(db, queued.creationId, {
      timeoutMs: args.timeoutMs,
      onChange: (c) => c && view.update(c),
    }),
    crashed,
  ]).finally(() => view.close());
  if (!end) throw new DemoFailure(`creation ${queued.creationId} disappeared`);

  const outcome = await reportOutcome(end, args.input.prompt);
  const settled = await reportLedger(client, user.uid, before, end);
  say(`done in ${since()}`);
  return settled ? outcome : 1;
}

/** Prints the end state; saves the video of a draft. Returns the exit code it deserves. */
async function reportOutcome(end: CreationSnapshot, prompt: string): Promise<number> {
  if (end.status === "draft" || end.status === "published") {
    if (!end.mediaUrl)
      throw new DemoFailure(`creation ${end.id} is ${end.status} without a mediaUrl`);
    const { file, bytes } = await downloadVideo(end.mediaUrl, OUT_DIR, end.id);
    const took = end.generationTime != null ? `, generated in ${end.generationTime}s` : "";
    say(
      `✔ saved ${path.relative(process.cwd(), file)} (${(bytes / 1024).toFixed(0)} KiB, ${end.modelUsed ?? "?"}${took})`,
    );
    if (end.enhancedPrompt) say(`  prompt as the model rewrote it: "${end.enhancedPrompt}"`);
    const first = end.media?.[0];
    if (first?.posterPath) say(`  poster ${first.posterPath} (R2; private while draft)`);
    if (first?.spritePath && first.sprite)
      say(
        `  spritesheet ${first.spritePath} (${first.sprite.columns}×${first.sprite.rows} frames, one every ${first.sprite.intervalSeconds} s)`,
      );
    for (const extra of (end.media ?? []).slice(1)) {
      if (!extra.url) continue;
      const saved = await downloadVideo(extra.url, OUT_DIR, `${end.id}-${extra.index}`);
      say(`✔ saved ${path.relative(process.cwd(), saved.file)} (video ${extra.index + 1})`);
    }
    if (end.undelivered?.length)
      say(
        `  ${end.undelivered.length} of ${end.sampleCount} videos not delivered (${end.undelivered.map((u) => u.reason).join(", ")}): ${end.refundedTokens} tokens refunded`,
      );
    return 0;
  }
  say(`✖ creation ${end.id} ${end.status}: ${end.error ?? "(no message)"}`);
  say(`  refunded: ${end.refunded ? "yes" : "NO"}`);
  if (end.status === "failed" && end.refunded && asksForFailure(prompt)) {
    say(
      "  This is the failure the prompt asked for: the demo of a refunded failure succeeded (exit 0).",
    );
    return 0;
  }
  return 1;
}

/**
 * Balance before and after and the ledger; checks that the run's entries explain the change.
 * The balance is read with a listener: a refund may land just after the status change.
 */
async function reportLedger(
  sdk: ClientSdk,
  uid: string,
  before: number,
  end: CreationSnapshot,
): Promise<boolean> {
  const rows = await ledgerOf(sdk.db, uid);
  const run = rows.filter((row) => row.details.creationId === end.id);
  const expected = before + sumOf(run);
  const after = await waitForBalance(
    sdk.db,
    uid,
    (b) => b === expected,
    SETTLE_TIMEOUT_MS,
    `balance ${expected}`,
  ).catch(() => undefined);
  say(`  ledger (transactions where userId == ${uid}):\n${formatLedger(rows)}`);
  say(
    `  balance: before ${before} → after ${after ?? "?"} tokens (this run: ${sumOf(run) >= 0 ? "+" : ""}${sumOf(run)})`,
  );
  if (after === undefined) {
    say(`✖ the balance did not settle at ${expected} = ${before} + this run's ledger entries`);
    return false;
  }
  if (sumOf(rows) !== after) {
    say(`✖ the ledger sums to ${sumOf(rows)}, the balance is ${after}`);
    return false;
  }
  say(`✔ the ledger sums to the balance (${after})`);
  return true;
}

/** Once only: the signal handler and the end of main() may both ask for it. */
function shutdown(): Promise<void> {
  shuttingDown ??= closeAll();
  return shuttingDown;
}

async function closeAll(): Promise<void> {
  await client?.close().catch(() => undefined);
  client = undefined;
  const current = demoStack;
  demoStack = undefined;
  if (!current) return;
  if (current.started) {
    say("▶ stopping the local stack this run started");
    await current.stack.stop();
    say("✔ stopped");
  } else {
    say("  (the local stack was already running; left running)");
  }
}

function failureMessage(err: unknown): { message: string; code: number } {
  if (err instanceof UsageError) return { message: `${err.message}\n\n${USAGE}`, code: 2 };
  if (err instanceof DemoFailure) return { message: err.message, code: err.exitCode };
  if (err instanceof StackProblem) return { message: err.message, code: 1 };
  return { message: err instanceof Error ? (err.stack ?? err.message) : String(err), code: 1 };
}

void main()
  .catch((err: unknown) => {
    // After Ctrl-C, errors are the echo of closing the SDK and the stack: not worth showing.
    if (session.interrupted) return 130;
    const { message, code } = failureMessage(err);
    console.error(`✖ ${message}`);
    return code;
  })
  .then(async (code) => {
    await shutdown();
    process.exit(session.interrupted ? 130 : code);
  });
