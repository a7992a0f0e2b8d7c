import { expect } from "chai";
import { followCreation, waitForEndOf, WatchTimeoutError, type Subscribe } from "../watch";
import type { CreationSnapshot } from "../types";
import { CREATION_STATUSES, isEndStatus, type CreationStatus } from "../../functions/src/contract";

/** A hand-driven listener: `emit` delivers a snapshot, `unsubscribed` counts stops. */
function fakeListener() {
  const state = {
    emit: (_c: CreationSnapshot | null) => undefined as void,
    fail: (_e: Error) => undefined as void,
    unsubscribed: 0,
  };
  const subscribe: Subscribe = (onData, onError) => {
    state.emit = onData;
    state.fail = onError;
    return () => void state.unsubscribed++;
  };
  return { state, subscribe };
}

const creation = (status: CreationStatus, progress = 0) =>
  ({ id: "c1", status, progress }) as CreationSnapshot;

describe("client watch", function () {
  it("knows the end states", function () {
    const ends = CREATION_STATUSES.filter((s) => isEndStatus(s));
    expect(ends).to.deep.equal(["draft", "published", "failed", "cancelled"]);
  });

  it("reports every state and unsubscribes by itself at the first end state", function () {
    const { state, subscribe } = fakeListener();
    const seen: Array<string | null> = [];
    followCreation(subscribe, (c) => seen.push(c && `${c.status}:${c.progress}`));
    state.emit(creation("pending"));
    state.emit(creation("processing", 0.5));
    expect(state.unsubscribed).to.equal(0);
    state.emit(creation("draft", 1));
    state.emit(creation("published", 1)); // after the end: ignored
    expect(seen).to.deep.equal(["pending:0", "processing:0.5", "draft:1"]);
    expect(state.unsubscribed).to.equal(1);
  });

  it("ends on a missing document and stops once however often stop is called", function () {
    const { state, subscribe } = fakeListener();
    const seen: unknown[] = [];
    const stop = followCreation(subscribe, (c) => seen.push(c));
    state.emit(null);
    stop();
    stop();
    expect(seen).to.deep.equal([null]);
    expect(state.unsubscribed).to.equal(1);
  });

  it("handles a listener that delivers an end state synchronously", function () {
    let unsubscribed = 0;
    const sync: Subscribe = (onData) => {
      onData(creation("failed"));
      return () => void unsubscribed++;
    };
    const seen: string[] = [];
    followCreation(sync, (c) => seen.push(c!.status));
    expect(seen).to.deep.equal(["failed"]);
    expect(unsubscribed).to.equal(1);
  });

  it("passes a listener error on once and stops", function () {
    const { state, subscribe } = fakeListener();
    const errors: string[] = [];
    followCreation(
      subscribe,
      () => undefined,
      (e) => errors.push(e.message),
    );
    state.fail(new Error("permission-denied"));
    state.emit(creation("draft"));
    expect(errors).to.deep.equal(["permission-denied"]);
    expect(state.unsubscribed).to.equal(1);
  });

  it("waitForEnd resolves with the end state and reports progress on the way", async function () {
    const { state, subscribe } = fakeListener();
    const progress: number[] = [];
    const ended = waitForEndOf(subscribe, "c1", { onChange: (c) => progress.push(c!.progress) });
    state.emit(creation("processing", 0.3));
    state.emit(creation("cancelled", 0.3));
    expect((await ended)?.status).to.equal("cancelled");
    expect(progress).to.deep.equal([0.3, 0.3]);
  });

  it("waitForEnd rejects after its timeout and unsubscribes", async function () {
    const { state, subscribe } = fakeListener();
    const err = await waitForEndOf(subscribe, "c1", { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(WatchTimeoutError);
    expect(state.unsubscribed).to.equal(1);
  });
});
