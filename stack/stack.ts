// The whole local stack: Firestore stand-in, the R2 stand-in (S3 API) and, when asked,
// the Firebase emulators. Everything binds 127.0.0.1 on the fixed ports in config.ts.
import { spawnSync } from "node:child_process";
import { startStandin } from "../firestore-standin/src/index";
import path from "node:path";
import { EMULATOR_LOG, HOST, PORTS, REPO_ROOT, stackEnv, type ServiceName } from "./config";
import { startFirebaseEmulators } from "./firebase-emulators";
import { assertPortsFree } from "./ports";
import { firestoreReady, hubEmulators, loadedFunctionTriggers, s3Ready } from "./probes";
import { startMetadataServer } from "./metadata-server";
import { startS3 } from "./s3";
import { applyProfile, localProfile, startSweeperClock, type Profile } from "./profile";

export interface StackOptions {
  /** Also run the Firebase emulators (Auth, Functions, Cloud Tasks). */
  firebase: boolean;
  /** Run the official Firestore emulator (Java 21, network once) instead of the stand-in. */
  officialFirestore?: boolean;
  /** If every service already answers on its port, use it; stop() then leaves it running. */
  reuseRunning?: boolean;
  /** Start S3 with an empty data folder. */
  freshData?: boolean;
  log?: (message: string) => void;
  /** Aborts a start in progress (Ctrl-C while the emulators come up). */
  signal?: AbortSignal;
  /** Settings profile of the functions (default: local). */
  profile?: Profile;
}

export interface Stack {
  stop(): Promise<void>;
  env: Record<string, string>;
  /** Resolves with a message if a child service dies while the stack runs. */
  crashed: Promise<string>;
}

export class JavaRequiredError extends Error {}

export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => undefined);
  const env = stackEnv();
  if (options.reuseRunning && (await stackIsRunning(options.firebase))) {
    log("reusing the local stack that is already running");
    return { env, stop: () => Promise.resolve(), crashed: never() };
  }
  if (options.officialFirestore) {
    if (!options.firebase) throw new Error("officialFirestore needs firebase: true");
    assertJava21();
  }
  await assertPortsFree(portsFor(options));

  let crashed = never();
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    // Reverse order: the emulators (clients) go before the data services they use.
    for (const s of stops.splice(0).reverse()) {
      await s().catch((err: unknown) => log(`stop failed: ${String(err)}`));
    }
  };
  try {
    if (!options.officialFirestore) {
      const standin = await startStandin({
        host: HOST,
        port: PORTS.firestore,
        rulesFile: path.join(REPO_ROOT, "firestore.rules"),
        log,
      });
      stops.push(() => standin.stop());
      log(`Firestore stand-in on ${HOST}:${PORTS.firestore}`);
    }
    // Tests' in-process Admin SDK calls look the service account up too.
    const metadata = await startMetadataServer();
    stops.push(() => metadata.stop());
    env.GCE_METADATA_HOST = metadata.host;
    const s3 = await startS3({ fresh: options.freshData, killOnExit: true });
    stops.push(() => s3.stop());
    log(`S3 (R2) server on ${HOST}:${PORTS.s3} (pid ${s3.pid})`);
    if (options.firebase) {
      const profile = options.profile ?? localProfile();
      applyProfile(profile);
      log(`starting the Firebase emulators (log: ${path.relative(REPO_ROOT, EMULATOR_LOG)})`);
      const firebase = await startFirebaseEmulators({
        officialFirestore: options.officialFirestore,
        signal: options.signal,
        env: { GCE_METADATA_HOST: metadata.host },
      });
      stops.push(() => firebase.stop());
      crashed = firebase.crashed;
      const stopSweeper = startSweeperClock(profile, log);
      stops.push(() => Promise.resolve(stopSweeper()));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { env, stop, crashed };
}

const never = () => new Promise<string>(() => undefined);

export function portsFor(options: Pick<StackOptions, "firebase" | "officialFirestore">) {
  const names: ServiceName[] = ["firestore", "s3"];
  if (options.firebase) names.push("auth", "functions", "tasks", "hub", "logging");
  return names.map((name) => ({ name, port: PORTS[name] }));
}

async function stackIsRunning(firebase: boolean): Promise<boolean> {
  if (!(await firestoreReady()) || !(await s3Ready())) return false;
  if (!firebase) return true;
  const running = await hubEmulators();
  return (
    ["auth", "functions", "tasks"].every((n) => running.includes(n)) &&
    (await loadedFunctionTriggers()) > 0
  );
}

/** firebase-tools needs Java 21+ for its Firestore emulator; fail before spawning it. */
export function assertJava21(): void {
  const res = spawnSync("java", ["-version"], { encoding: "utf8" });
  const found = /version "(\d+)/.exec(`${res.stderr ?? ""}${res.stdout ?? ""}`);
  const major = found ? Number(found[1]) : undefined;
  if (major === undefined || major < 21) {
    throw new JavaRequiredError(
      `The official Firestore emulator needs Java 21 or newer ` +
        `(found: ${major ? `Java ${major}` : "no java on PATH"}) and downloads its JAR on first ` +
        `start (network). Use \`npm run emulators\` (the Firestore stand-in) on this machine.`,
    );
  }
}
