// `npm run emulators`: the whole local stack in the foreground until Ctrl-C.
// `--official-firestore`: the official (Java 21) Firestore emulator instead of the stand-in.
// `--profile prod-scaled [--time-scale N] [--model ID]`: production settings (for that Veo model
// and its quota), durations divided by N (10);
// the default profile `local` divides them by the TIME_SCALE of functions/.env.demo-phoenix.
import { EMULATOR_LOG, HOST, PORTS, REPO_ROOT, S3_BUCKETS } from "./config";
import { buildFunctions } from "./build";
import { signalCurrentChild } from "./child";
import { assertPortsFree } from "./ports";
import { assertJava21, portsFor, startStack } from "./stack";
import { describeProfile, parseProfile } from "./profile";
import path from "node:path";

async function main(): Promise<number> {
  const officialFirestore = process.argv.includes("--official-firestore");
  const profile = parseProfile(process.argv.slice(2));
  const abort = new AbortController();
  let stopRequested: (() => void) | undefined;
  const stopSignal = new Promise<void>((resolve) => (stopRequested = resolve));
  let signals = 0;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      // Second Ctrl-C: leave now; the exit hook still kills the emulators' process group.
      if (++signals > 1) process.exit(130);
      console.log(`\n${sig}: stopping the local stack…`);
      abort.abort();
      signalCurrentChild(sig);
      stopRequested?.();
    });
  }

  // Fail before a build when the official emulator cannot run here anyway.
  if (officialFirestore) assertJava21();
  await assertPortsFree(portsFor({ firebase: true, officialFirestore }));
  if (!(await buildFunctions())) return 1;
  if (abort.signal.aborted) return 130;

  const stack = await startStack({
    firebase: true,
    officialFirestore,
    log: (m) => console.log(`  · ${m}`),
    signal: abort.signal,
    profile,
  });
  const firestore = officialFirestore ? "official emulator" : "stand-in";
  console.log(
    `✔ Phoenix local stack ready — Firestore ${HOST}:${PORTS.firestore} (${firestore}) · ` +
      `Auth ${HOST}:${PORTS.auth} · Functions ${HOST}:${PORTS.functions} · ` +
      `Cloud Tasks ${HOST}:${PORTS.tasks} · S3/R2 http://${HOST}:${PORTS.s3} ` +
      `(bucket ${S3_BUCKETS[0]}) · hub ${HOST}:${PORTS.hub} — ` +
      `profile ${describeProfile(profile)} — ` +
      `logs ${path.relative(REPO_ROOT, EMULATOR_LOG)} — Ctrl-C to stop`,
  );
  const crash = await Promise.race([stopSignal.then(() => undefined), stack.crashed]);
  if (crash) console.error(`✖ ${crash}`);
  await stack.stop();
  console.log("stopped");
  return crash ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`✖ ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
