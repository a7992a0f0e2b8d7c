// Every callable, wrapped offline with firebase-functions-test: auth contexts, App Check and
// input refusals through the real bindings of src/index.ts (they fail before any service is
// touched), and the handlers' decisions with an in-memory store and fake media injected.
import { requestOf } from "../helpers/requests";
import { expect } from "chai";
import functionsTest from "firebase-functions-test";
import { HttpsError, onCall, type CallableRequest } from "firebase-functions/v2/https";
import type { Creation } from "../../src/contract";
import { newCreation } from "../../src/domain/creation";
import { decideGrant, grantEntry, type LedgerEntry } from "../../src/domain/ledger";
import * as index from "../../src/index";
import {
  cancelCreation,
  deleteCreation,
  getMediaUrl,
  publishCreation,
  type LifecycleDeps,
} from "../../src/handlers/creation-lifecycle";
import { generateVideo, type SubmitDeps } from "../../src/handlers/generate-video";
import { grantTokens } from "../../src/handlers/grant-tokens";
import { MemoryStore } from "../fakes/memory-store";
import { loadLocalParams } from "../../../test-harness/params";

const fft = functionsTest();
after(() => fft.cleanup());

type Request = Partial<CallableRequest<unknown>>;
const signedIn = (uid: string, data: unknown, claims: Record<string, unknown> = {}): Request => ({
  data,
  auth: { uid, token: { uid, ...claims } as never, rawToken: "test" },
});

/** Runs a wrapped callable and returns the HttpsError it threw. */
async function refusal(call: Promise<unknown>): Promise<HttpsError> {
  try {
    await call;
  } catch (err) {
    expect(err).to.be.instanceOf(HttpsError);
    return err as HttpsError;
  }
  throw new Error("expected the call to be refused");
}

/** A callable bound like index.ts binds it, around a handler with fakes injected. */
function wrapped<T>(handler: (request: CallableRequest<unknown>) => Promise<T>) {
  const wrap = fft.wrap(onCall(handler));
  return (request: Request) => Promise.resolve(wrap(request as CallableRequest)) as Promise<T>;
}

const ORDER = { prompt: "a paper boat", duration: 4 } as const; // 5 tokens

describe("callables through the real bindings (refused before any service)", () => {
  const savedAppCheck = process.env.ENFORCE_APP_CHECK;
  afterEach(() => {
    if (savedAppCheck === undefined) delete process.env.ENFORCE_APP_CHECK;
    else process.env.ENFORCE_APP_CHECK = savedAppCheck;
  });

  it("healthCheck answers without auth", async () => {
    const result = (await fft.wrap(index.healthCheck)({ data: null } as CallableRequest)) as {
      ok: boolean;
      time: string;
    };
    expect(result.ok).to.equal(true);
    expect(Date.parse(result.time)).to.be.a("number").and.not.be.NaN;
  });

  const callables: Array<[string, (request: CallableRequest) => unknown]> = [
    ["generateVideo", fft.wrap(index.generateVideo)],
    ["grantTokens", fft.wrap(index.grantTokens)],
    ["publishCreation", fft.wrap(index.publishCreation)],
    ["cancelCreation", fft.wrap(index.cancelCreation)],
    ["deleteCreation", fft.wrap(index.deleteCreation)],
    ["getMediaUrl", fft.wrap(index.getMediaUrl)],
  ];
  for (const [name, call] of callables) {
    it(`${name} refuses a caller without auth`, async () => {
      const err = await refusal(
        Promise.resolve(call({ data: { creationId: "c1" } } as CallableRequest)),
      );
      expect(err.code).to.equal("unauthenticated");
    });
  }

  it("generateVideo refuses a request without App Check when it is enforced", async () => {
    process.env.ENFORCE_APP_CHECK = "true";
    const err = await refusal(
      Promise.resolve(fft.wrap(index.generateVideo)(signedIn("u1", ORDER) as CallableRequest)),
    );
    expect(err.code).to.equal("unauthenticated");
    expect(err.message).to.include("App Check");
  });

  it("generateVideo names the invalid fields", async () => {
    const err = await refusal(
      Promise.resolve(
        fft.wrap(index.generateVideo)(
          signedIn("u1", { prompt: " ", duration: 5, extra: 1 }) as CallableRequest,
        ),
      ),
    );
    expect(err.code).to.equal("invalid-argument");
    expect((err.details as { fields: string[] }).fields).to.have.members([
      "prompt",
      "duration",
      "extra",
    ]);
  });

  it("grantTokens refuses a signed-in caller without the admin claim", async () => {
    const err = await refusal(
      Promise.resolve(
        fft.wrap(index.grantTokens)(
          signedIn("u1", { userId: "u2", amount: 5, reason: "x" }) as CallableRequest,
        ),
      ),
    );
    expect(err.code).to.equal("permission-denied");
  });
});

describe("generateVideo (store and queue faked)", () => {
  // Readiness fails closed outside the Functions emulator (config/readiness.ts): these tests
  // stand for the local deployment, with the params the emulator would load.
  const savedEnv = { ...process.env };
  before(() => loadLocalParams());
  after(() => {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  });

  function setup(options: { enqueueFails?: boolean; activeJobs?: number } = {}) {
    const store = new MemoryStore(() => options.activeJobs ?? 0);
    const enqueued: Array<{ queue: string; creationId: string; step: number }> = [];
    const deps: SubmitDeps = {
      store,
      enqueueStep: (queue, task) => {
        if (options.enqueueFails) return Promise.reject(new Error("queue unavailable"));
        enqueued.push({ queue, ...task });
        return Promise.resolve("enqueued" as const);
      },
      limits: () => ({
        maxActiveJobs: 3,
        welcome: {
          policy: {
            tokens: 12,
            requireVerifiedEmail: true,
            trustedProviders: [],
            dailyBudgetTokens: 1000,
          },
          account: { anonymous: false, emailVerified: true, providers: ["password"] },
          nowMs: 0,
        },
      }),
    };
    return { store, enqueued, call: wrapped((r) => generateVideo(r, deps)) };
  }

  it("charges, answers pending and enqueues the first step on the start queue", async () => {
    const { store, enqueued, call } = setup();
    const result = await call(signedIn("u1", ORDER));
    expect(result).to.deep.equal({ creationId: "auto-1", status: "pending", cost: 5, balance: 7 });
    expect(store.creations.get("auto-1")).to.include({ userId: "u1", status: "pending" });
    expect(enqueued).to.deep.equal([{ queue: "startGeneration", creationId: "auto-1", step: 0 }]);
  });

  it("replays a requestId without charging twice", async () => {
    const { call } = setup();
    const order = { ...ORDER, requestId: "order-0001" };
    const first = await call(signedIn("u1", order));
    const again = await call(signedIn("u1", order));
    expect(again).to.deep.equal(first);
    expect(again.balance).to.equal(7);
  });

  it("maps refusals to the documented codes and reasons", async () => {
    const poor = setup();
    poor.store.balances.set("u1", 2);
    const tokens = await refusal(poor.call(signedIn("u1", ORDER)));
    expect(tokens.code).to.equal("failed-precondition");
    expect(tokens.details).to.deep.equal({
      reason: "insufficient-tokens",
      required: 5,
      balance: 2,
    });
    const busy = await refusal(setup({ activeJobs: 3 }).call(signedIn("u1", ORDER)));
    expect(busy.code).to.equal("resource-exhausted");
    expect(busy.details).to.include({ reason: "too-many-active-jobs" });
  });

  it("keeps the job when the enqueue fails: flagged for the sweeper, answered pending", async () => {
    const { store, call } = setup({ enqueueFails: true });
    const result = await call(signedIn("u1", ORDER));
    expect(result.status).to.equal("pending");
    expect([...store.enqueueFailed]).to.deep.equal([result.creationId]);
  });
});

describe("publish, cancel, delete and getMediaUrl (store and media faked)", () => {
  const draftOf = (userId: string, over: Partial<Creation> = {}): Creation => ({
    ...newCreation(userId, requestOf({ ...ORDER, duration: 4 }), 5, "h"),
    ...over,
  });

  function setup() {
    const store = new MemoryStore();
    const removed: string[] = [];
    const unpublished: string[] = [];
    const deps: LifecycleDeps = {
      store,
      mediaUrlTtlSeconds: () => 60,
      media: () =>
        Promise.resolve({
          publish: (key: string) => Promise.resolve(`https://public.example/${key}`),
          unpublish: (key: string) => {
            unpublished.push(key);
            return Promise.resolve();
          },
          remove: (key: string) => {
            removed.push(key);
            return Promise.resolve();
          },
          signedUrl: (key: string) =>
            Promise.resolve({ url: `https://signed.example/${key}`, expiresAt: new Date(0) }),
        }),
    };
    return {
      store,
      removed,
      unpublished,
      publish: wrapped((r) => publishCreation(r, deps)),
      cancel: wrapped((r) => cancelCreation(r, deps)),
      remove: wrapped((r) => deleteCreation(r, deps)),
      mediaUrl: wrapped((r) => getMediaUrl(r, deps)),
    };
  }

  it("publishes the owner's draft, and only a draft", async () => {
    const s = setup();
    s.store.put("d1", draftOf("u1", { status: "draft", mediaPath: "videos/u1/d1.mp4" }));
    s.store.put("p1", draftOf("u1", { status: "processing" }));
    expect(await s.publish(signedIn("u1", { creationId: "d1" }))).to.deep.equal({
      creationId: "d1",
      status: "published",
      mediaUrl: "https://public.example/videos/u1/d1.mp4",
    });
    expect(s.store.creations.get("d1")?.status).to.equal("published");
    const wrong = await refusal(s.publish(signedIn("u1", { creationId: "p1" })));
    expect(wrong.code).to.equal("failed-precondition");
    expect(wrong.details).to.include({ reason: "wrong-state", status: "processing" });
  });

  it("hides someone else's creation as not found", async () => {
    const s = setup();
    s.store.put("d1", draftOf("u1", { status: "draft", mediaPath: "videos/u1/d1.mp4" }));
    for (const call of [s.publish, s.cancel, s.remove, s.mediaUrl]) {
      const err = await refusal(call(signedIn("intruder", { creationId: "d1" })));
      expect(err.code).to.equal("not-found");
    }
  });

  it("cancels a pending job with a refund, and refuses once generation started", async () => {
    const s = setup();
    s.store.balances.set("u1", 0);
    s.store.put("c1", draftOf("u1"));
    s.store.put("c2", draftOf("u1", { status: "processing", operationName: "ops/1" }));
    expect(await s.cancel(signedIn("u1", { creationId: "c1" }))).to.deep.equal({
      creationId: "c1",
      status: "cancelled",
      refunded: true,
    });
    expect(s.store.balances.get("u1")).to.equal(5);
    expect(await s.cancel(signedIn("u1", { creationId: "c1" }))).to.include({ refunded: true });
    expect(s.store.balances.get("u1"), "refunded once").to.equal(5);
    const started = await refusal(s.cancel(signedIn("u1", { creationId: "c2" })));
    expect(started.code).to.equal("failed-precondition");
  });

  it("deletes a finished creation with its media, never one in progress", async () => {
    const s = setup();
    s.store.put("d1", draftOf("u1", { status: "draft", mediaPath: "videos/u1/d1.mp4" }));
    s.store.put("c1", draftOf("u1"));
    expect(await s.remove(signedIn("u1", { creationId: "d1" }))).to.deep.equal({
      creationId: "d1",
      deleted: true,
    });
    expect(s.removed).to.deep.equal(["videos/u1/d1.mp4"]);
    expect(s.store.creations.has("d1")).to.equal(false);
    expect((await refusal(s.remove(signedIn("u1", { creationId: "c1" })))).code).to.equal(
      "failed-precondition",
    );
  });

  it("gives the owner a signed link to a draft and anyone the public link of a published one", async () => {
    const s = setup();
    s.store.put("d1", draftOf("u1", { status: "draft", mediaPath: "videos/u1/d1.mp4" }));
    s.store.put(
      "p1",
      draftOf("u1", { status: "published", mediaUrl: "https://public.example/p1" }),
    );
    expect(await s.mediaUrl(signedIn("u1", { creationId: "d1" }))).to.deep.equal({
      mediaUrl: "https://signed.example/videos/u1/d1.mp4",
      expiresAt: new Date(0).toISOString(),
    });
    expect(await s.mediaUrl(signedIn("u2", { creationId: "p1" }))).to.deep.equal({
      mediaUrl: "https://public.example/p1",
      expiresAt: null,
    });
    expect((await refusal(s.mediaUrl(signedIn("u2", { creationId: "d1" })))).code).to.equal(
      "not-found",
    );
  });
});

describe("grantTokens (user store faked)", () => {
  const balances = new Map([["u2", 10]]);
  const entries = new Map<string, LedgerEntry>();
  const call = wrapped((r) =>
    grantTokens(r, {
      addTokens: (grant) => {
        const balance = balances.get(grant.userId);
        if (balance === undefined) return Promise.resolve(null);
        const decision = decideGrant(entries.get(grant.grantId) ?? null, grant);
        if (decision !== "apply") return Promise.resolve({ decision, balance });
        entries.set(
          grant.grantId,
          grantEntry(grant.grantId, grant.userId, grant.amount, grant.reason, grant.grantedBy),
        );
        balances.set(grant.userId, balance + grant.amount);
        return Promise.resolve({ decision, balance: balance + grant.amount });
      },
    }),
  );
  const grant = (over: Record<string, unknown> = {}) =>
    signedIn(
      "boss",
      { userId: "u2", amount: 5, reason: "support", grantId: "grant-0001", ...over },
      { admin: true },
    );

  it("adds tokens for an admin once per grantId and reports the balance", async () => {
    expect(await call(grant())).to.deep.equal({ userId: "u2", balance: 15, replayed: false });
    expect(await call(grant())).to.deep.equal({ userId: "u2", balance: 15, replayed: true });
  });

  it("refuses a grantId reused for another grant, and an unknown user", async () => {
    const reused = await refusal(call(grant({ amount: 7 })));
    expect(reused.code).to.equal("failed-precondition");
    expect(reused.details).to.deep.equal({ reason: "idempotency-key-reused" });
    const missing = await refusal(call(grant({ userId: "nobody", grantId: "grant-0002" })));
    expect(missing.code).to.equal("not-found");
  });
});
