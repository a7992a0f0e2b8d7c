// The worker's task handler, wrapped offline with firebase-functions-test around
// onTaskDispatched like index.ts binds it: retry counts decide between throwing (Cloud Tasks
// retries) and refunding; the model, media and store are fakes; no service is touched.
import { requestOf } from "../helpers/requests";
import { expect } from "chai";
import type { PreviewMaker } from "../../src/adapters/video-previews";
import functionsTest from "firebase-functions-test";
import { Readable } from "node:stream";
import type { CloudEvent, CloudFunction } from "firebase-functions/v2";
import {
  onTaskDispatched,
  type Request,
  type TaskQueueFunction,
} from "firebase-functions/v2/tasks";
import type { Creation } from "../../src/contract";
import { WORKER_TIMEOUT_SECONDS } from "../../src/config/deployment";
import { newCreation } from "../../src/domain/creation";
import { ModelError } from "../../src/domain/failure";
import type { OperationStatus, VideoModel } from "../../src/domain/video-model";
import {
  CreationBusyError,
  processCreation,
  type WorkerDeps,
} from "../../src/handlers/process-creation";
import * as index from "../../src/index";
import { MemoryStore } from "../fakes/memory-store";

const fft = functionsTest();
after(() => fft.cleanup());

/** A model whose start and poll answers are scripted by the test. */
class ScriptedModel implements VideoModel {
  readonly modelId = "scripted";
  starts = 0;
  constructor(
    private readonly onStart: () => Promise<{ operationName: string }>,
    private readonly onPoll: () => Promise<OperationStatus> = () =>
      Promise.resolve({ done: false }),
  ) {}
  start() {
    this.starts++;
    return this.onStart();
  }
  poll() {
    return this.onPoll();
  }
  openVideo() {
    return Promise.resolve(Readable.from(["mp4 bytes"]));
  }
  discardVideo() {
    return Promise.resolve();
  }
}

const MAX_ATTEMPTS = 3;

/** firebase-functions-test wraps a task function as a v2 function; its types lack that overload. */
function wrapTask(fn: TaskQueueFunction<unknown>) {
  const wrapped = fft.wrap(fn as unknown as CloudFunction<CloudEvent<unknown>>);
  return (request: Partial<Request>) => Promise.resolve(wrapped(request) as unknown);
}

/** Runs a delivery and returns what it threw (undefined when it acknowledged the task). */
async function thrownBy(delivery: Promise<unknown>): Promise<unknown> {
  try {
    await delivery;
    return undefined;
  } catch (err) {
    return err;
  }
}

function setup(model: VideoModel) {
  const store = new MemoryStore();
  store.balances.set("u1", 0);
  store.put("c1", newCreation("u1", requestOf({ duration: 4 }), 5, "h"));
  const enqueued: Array<{ queue: string; step: number; delay?: number }> = [];
  const uploads: string[] = [];
  const deps: WorkerDeps = {
    model,
    store,
    settings: {
      leaseSeconds: 30,
      pollIntervalSeconds: 1,
      maxAttempts: MAX_ATTEMPTS,
      mediaUrlTtlSeconds: 60,
    },
    enqueueStep: (queue, task, delay) => {
      enqueued.push({ queue, step: task.step, delay });
      return Promise.resolve("enqueued");
    },
    media: {
      upload: (key) => {
        uploads.push(key);
        return Promise.resolve();
      },
      signedUrl: (key) => Promise.resolve({ url: `https://signed/${key}`, expiresAt: new Date() }),
      remove: () => Promise.resolve(),
    },
  };
  const task = wrapTask(
    onTaskDispatched({ retryConfig: { maxAttempts: MAX_ATTEMPTS } }, (request) =>
      processCreation(request, deps),
    ),
  );
  const deliver = (data: unknown, retryCount = 0) => task({ data, retryCount });
  const creation = () => store.creations.get("c1") as Creation;
  return { store, enqueued, uploads, task, deliver, creation, deps };
}

const started = () => Promise.resolve({ operationName: "ops/1" });

/** c1 asks for several 4 s videos at `cost` in all, and its operation is running. */
function renderingSamples(store: MemoryStore, sampleCount: number, cost: number): void {
  store.put("c1", {
    ...newCreation("u1", requestOf({ duration: 4, sampleCount }), cost, "h"),
    status: "processing",
    operationName: "ops/1",
    workerStep: 1,
  });
}

describe("worker task handler (wrapped, fakes injected)", () => {
  it("acknowledges a malformed payload without touching anything (a retry could never succeed)", async () => {
    const model = new ScriptedModel(started);
    const w = setup(model);
    await w.deliver({ creationId: "../etc" });
    await w.deliver(null);
    expect(model.starts).to.equal(0);
    expect(w.creation().status).to.equal("pending");
  });

  it("starts the generation, saves the operation and schedules the next look without waiting", async () => {
    const model = new ScriptedModel(started);
    const w = setup(model);
    await w.deliver({ creationId: "c1", step: 0 });
    expect(w.creation()).to.include({
      status: "processing",
      operationName: "ops/1",
      workerStep: 1,
      leaseOwner: null,
    });
    expect(w.enqueued).to.deep.equal([{ queue: "pollGeneration", step: 1, delay: 1 }]);
  });

  it("a delivery ahead of its schedule time (as the emulator makes) waits until it is due", async () => {
    const model = new ScriptedModel(started);
    const w = setup(model);
    const sent = Date.now();
    const due = new Date(sent + 400).toISOString();
    await w.task({ data: { creationId: "c1", step: 0 }, retryCount: 0, scheduledTime: due });
    expect(Date.now() - sent, "waited for the schedule").to.be.at.least(390);
    expect(w.creation()).to.include({ operationName: "ops/1", workerStep: 1 });
  });

  it("resumes the saved operation on a later step and stores a finished video as a draft", async () => {
    const model = new ScriptedModel(started, () =>
      Promise.resolve({ done: true, video: { uri: "local://v", contentType: "video/mp4" } }),
    );
    const w = setup(model);
    w.store.put("c1", {
      ...w.creation(),
      status: "processing",
      operationName: "ops/1",
      workerStep: 1,
    });
    await w.deliver({ creationId: "c1", step: 1 });
    expect(model.starts, "no second paid generation").to.equal(0);
    expect(w.uploads).to.deep.equal(["videos/u1/c1.mp4"]);
    expect(w.creation()).to.include({
      status: "draft",
      progress: 1,
      mediaUrl: "https://signed/videos/u1/c1.mp4",
    });
  });

  it("delivers the videos that passed and refunds each filtered one once, whatever is redelivered", async () => {
    const videos = [0, 1].map((i) => ({ uri: `local://v${i}`, contentType: "video/mp4", seed: i }));
    const model = new ScriptedModel(started, () =>
      Promise.resolve({
        done: true,
        video: videos[0],
        videos,
        filtered: { count: 1, reasons: ["Support codes: 58061214"] },
      }),
    );
    const w = setup(model);
    renderingSamples(w.store, 3, 15); // 3 videos asked at 5 tokens each
    await w.deliver({ creationId: "c1", step: 1 });
    await w.deliver({ creationId: "c1", step: 1 }); // a duplicate delivery of the same task
    await w.deliver({ creationId: "c1", step: 1 }, 1); // and its retry
    expect(w.uploads).to.deep.equal(["videos/u1/c1.mp4", "videos/u1/c1-1.mp4"]);
    expect(w.creation()).to.deep.include({
      status: "draft",
      refunded: false,
      refundedTokens: 5,
      undelivered: [
        {
          index: 2,
          reason: "filtered",
          category: "minors",
          message: "Videos showing children can't be generated.",
        },
      ],
      media: [
        { index: 0, path: "videos/u1/c1.mp4", url: "https://signed/videos/u1/c1.mp4", seed: 0 },
        { index: 1, path: "videos/u1/c1-1.mp4", url: "https://signed/videos/u1/c1-1.mp4", seed: 1 },
      ],
    });
    expect([...w.store.ledger.keys()]).to.deep.equal(["c1_refund_2"]);
    expect(w.store.balances.get("u1")).to.equal(5);
  });

  it("stores a poster and a spritesheet next to each video; a failed preview does not stop delivery", async () => {
    const model = new ScriptedModel(started, () =>
      Promise.resolve({ done: true, video: { uri: "local://v0", contentType: "video/mp4" } }),
    );
    const w = setup(model);
    renderingSamples(w.store, 1, 5);
    const made: string[] = [];
    const previews: PreviewMaker = {
      poster: (url, upload) => (made.push(`poster ${url}`), upload(Readable.from(["jpeg"]))),
      spritesheet: (url, grid) => {
        made.push(`sprite ${url} ${grid.columns}x${grid.rows}`);
        return Promise.reject(new Error("ffmpeg failed"));
      },
    };
    w.deps.previews = previews;
    await w.deliver({ creationId: "c1", step: 1 });
    expect(made).to.deep.equal([
      "poster https://signed/videos/u1/c1.mp4",
      "sprite https://signed/videos/u1/c1.mp4 4x2",
    ]);
    expect(w.uploads).to.deep.equal(["videos/u1/c1.mp4", "videos/u1/c1.poster.jpg"]);
    expect(w.creation().status).to.equal("draft");
    expect(w.creation().media?.[0]).to.deep.include({
      posterPath: "videos/u1/c1.poster.jpg",
      posterUrl: "https://signed/videos/u1/c1.poster.jpg",
      spritePath: null,
      spriteUrl: null,
      sprite: null,
    });
  });

  it("after a crash between the uploads and the finish, the retry finishes and refunds once", async () => {
    const model = new ScriptedModel(started, () =>
      Promise.resolve({ done: true, video: { uri: "local://v0", contentType: "video/mp4" } }),
    );
    const w = setup(model);
    renderingSamples(w.store, 2, 10);
    const finish = w.store.finishCreation;
    w.store.finishCreation = () => Promise.reject(new Error("process killed"));
    expect(await thrownBy(w.deliver({ creationId: "c1", step: 1 }))).to.be.instanceOf(Error);
    w.store.finishCreation = finish;
    // The crashed holder's lease has lapsed by the time Cloud Tasks retries.
    w.store.put("c1", { ...w.creation(), leaseOwner: null, leaseExpiresAtMs: null });
    await w.deliver({ creationId: "c1", step: 1 }, 1);
    expect(w.creation()).to.deep.include({
      status: "draft",
      undelivered: [{ index: 1, reason: "missing" }],
    });
    expect([...w.store.ledger.keys()]).to.deep.equal(["c1_refund_1"]);
    expect(w.store.balances.get("u1")).to.equal(5);
  });

  it("skips a stale delivery of an older step", async () => {
    const model = new ScriptedModel(started);
    const w = setup(model);
    w.store.put("c1", { ...w.creation(), status: "processing", workerStep: 2 });
    await w.deliver({ creationId: "c1", step: 1 });
    expect(model.starts).to.equal(0);
  });

  it("throws a transient failure for a retry, and refunds on the final attempt", async () => {
    const model = new ScriptedModel(() => Promise.reject(new ModelError("transient", "429 quota")));
    const w = setup(model);
    for (let retryCount = 0; retryCount < MAX_ATTEMPTS - 1; retryCount++) {
      const thrown = await thrownBy(w.deliver({ creationId: "c1", step: 0 }, retryCount));
      expect(thrown, `attempt ${retryCount}`).to.be.instanceOf(ModelError);
      expect(w.creation()).to.include({ status: "processing", retryCount: retryCount + 1 });
    }
    expect(await thrownBy(w.deliver({ creationId: "c1", step: 0 }, MAX_ATTEMPTS - 1))).to.equal(
      undefined,
    );
    expect(w.creation()).to.include({ status: "failed", refunded: true, errorKind: "exhausted" });
    expect(w.store.balances.get("u1")).to.equal(5);
  });

  it("refunds a permanent failure at once and acknowledges the task", async () => {
    const model = new ScriptedModel(() =>
      Promise.reject(new ModelError("policy", "filtered", { raiMediaFilteredCount: 1 })),
    );
    const w = setup(model);
    await w.deliver({ creationId: "c1", step: 0 });
    expect(w.creation()).to.include({ status: "failed", refunded: true, errorKind: "policy" });
    expect(w.store.balances.get("u1")).to.equal(5);
  });

  it("leaves a creation leased by another delivery: retry, except on the final attempt", async () => {
    const model = new ScriptedModel(started);
    const w = setup(model);
    w.store.put("c1", {
      ...w.creation(),
      status: "processing",
      leaseOwner: "other",
      leaseExpiresAtMs: Date.now() + 60_000,
    });
    const thrown = await thrownBy(w.deliver({ creationId: "c1", step: 0 }, 0));
    expect(thrown).to.be.instanceOf(CreationBusyError);
    expect(await thrownBy(w.deliver({ creationId: "c1", step: 0 }, MAX_ATTEMPTS - 1))).to.equal(
      undefined,
    );
    expect(model.starts).to.equal(0);
  });
});

describe("task function bindings (src/index.ts)", () => {
  it("give every worker delivery the timeout the enqueue's dispatch deadline uses", () => {
    for (const fn of [index.startGeneration, index.pollGeneration]) {
      expect(fn.__endpoint.timeoutSeconds).to.equal(WORKER_TIMEOUT_SECONDS);
      expect(fn.__endpoint.taskQueueTrigger?.retryConfig?.maxAttempts).to.not.equal(undefined);
    }
  });
});
