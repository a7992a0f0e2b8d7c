// End-to-end wiring through the real emulators: an authenticated callable enqueues a
// task on the Cloud Tasks emulator, the task function writes Firestore, and a snapshot
// listener here sees the document.
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { initializeApp, getApps, type App } from "firebase-admin/app";
import { getFirestore, Timestamp } from "firebase-admin/firestore";
import { callFunction, CallableError } from "../../../test-harness/callable";
import { createUser, PROJECT_ID } from "../../../test-harness/emulators";
import { waitForDocument } from "../../../test-harness/wait";

describe("e2e smoke: callable → Cloud Tasks → task function → Firestore", function () {
  let app: App;

  before(function () {
    app = getApps()[0] ?? initializeApp({ projectId: PROJECT_ID });
  });

  it("delivers the task and the listener sees its write", async function () {
    const user = await createUser();
    const token = randomUUID().replace(/-/g, "");
    const ref = getFirestore(app).doc(`wiringChecks/${token}`);

    // Listen before calling, so the write cannot slip past us.
    const written = waitForDocument(ref, (snap) => snap.exists, {
      timeoutMs: 30_000,
      what: `wiringChecks/${token} written by the task function`,
    });
    const { result } = await callFunction<{ token: string; enqueued: boolean }>(
      "wiringCheck",
      { token },
      user.idToken,
    );
    expect(result).to.deep.equal({ token, enqueued: true });

    const snap = await written;
    expect(snap.get("retryCount")).to.equal(0);
    expect(snap.get("receivedAt")).to.be.instanceOf(Timestamp);
  });

  it("maps callable errors to codes", async function () {
    const err = await callFunction("wiringCheck", { token: "x" }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CallableError);
    expect((err as CallableError).code).to.equal("unauthenticated");

    const user = await createUser();
    const bad = await callFunction("wiringCheck", { token: "x" }, user.idToken).catch(
      (e: unknown) => e,
    );
    expect((bad as CallableError).code).to.equal("invalid-argument");
    expect((bad as CallableError).details).to.deep.equal({ fields: ["token"] });
  });
});
