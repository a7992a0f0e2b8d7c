// Runs inside the browser page (bundled by esbuild with the `firebase` web SDK's browser
// build): connects to a stand-in and records what listeners see, for the tests to wait on.
import { initializeApp } from "firebase/app";
import {
  collection,
  connectFirestoreEmulator,
  deleteDoc,
  doc,
  increment,
  initializeFirestore,
  limit,
  onSnapshot,
  orderBy,
  query,
  runTransaction,
  setDoc,
  updateDoc,
  where,
  type Firestore,
  type FirestoreSettings,
  type WhereFilterOp,
} from "firebase/firestore";

/** One thing a listener saw: a snapshot (live or from cache) or an error. */
export interface Seen {
  fromCache?: boolean;
  exists?: boolean;
  data?: Record<string, unknown>;
  ids?: string[];
  error?: string;
}

export interface QuerySpec {
  where: [string, WhereFilterOp, unknown];
  orderBy: string;
  limit: number;
}

let db: Firestore | null = null;
const seen: Record<string, Seen[]> = {};
const record = (name: string, entry: Seen): void => {
  (seen[name] ??= []).push(entry);
};
const errorCode = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : err instanceof Error ? err.message : "unknown";
};

function firestore(): Firestore {
  if (!db) throw new Error("connect() first");
  return db;
}

const api = {
  seen,
  connect(port: number, settings: FirestoreSettings, projectId: string): void {
    const app = initializeApp({ projectId, apiKey: "demo-key" });
    db = initializeFirestore(app, settings);
    connectFirestoreEmulator(db, "127.0.0.1", port);
  },
  watchDoc(name: string, path: string): void {
    onSnapshot(
      doc(firestore(), path),
      { includeMetadataChanges: true },
      (s) => record(name, { fromCache: s.metadata.fromCache, exists: s.exists(), data: s.data() }),
      (err) => record(name, { error: errorCode(err) }),
    );
  },
  watchQuery(name: string, path: string, spec: QuerySpec): void {
    const q = query(
      collection(firestore(), path),
      where(...spec.where),
      orderBy(spec.orderBy),
      limit(spec.limit),
    );
    onSnapshot(
      q,
      { includeMetadataChanges: true },
      (s) => record(name, { fromCache: s.metadata.fromCache, ids: s.docs.map((d) => d.id) }),
      (err) => record(name, { error: errorCode(err) }),
    );
  },
  /** Resolves with "ok" or the error code: a write the page awaits. */
  async write(
    kind: "set" | "update" | "delete" | "increment",
    path: string,
    data?: Record<string, unknown>,
  ): Promise<string> {
    const ref = doc(firestore(), path);
    try {
      if (kind === "set") await setDoc(ref, data ?? {});
      else if (kind === "update") await updateDoc(ref, data ?? {});
      else if (kind === "increment") await updateDoc(ref, { n: increment(1) });
      else await deleteDoc(ref);
      return "ok";
    } catch (err) {
      return errorCode(err);
    }
  },
  /** A read-modify-write transaction (the web SDK runs it over REST: batchGet + commit). */
  async addOneInTransaction(path: string): Promise<string> {
    try {
      await runTransaction(firestore(), async (tx) => {
        const snap = await tx.get(doc(firestore(), path));
        tx.set(doc(firestore(), path), { n: ((snap.get("n") as number | undefined) ?? 0) + 1 });
      });
      return "ok";
    } catch (err) {
      return errorCode(err);
    }
  },
};

export type PageApi = typeof api;
(globalThis as unknown as { standinPage: PageApi }).standinPage = api;
