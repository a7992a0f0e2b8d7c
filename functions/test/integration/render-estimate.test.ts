import { expect } from "chai";
import { Timestamp } from "firebase-admin/firestore";
import {
  callableRequest,
  setupLocalEnv,
  uniqueUid,
  withTaskRecorder,
} from "../../../test-harness/inprocess";
import type { TaskRecorder } from "../../../test-harness/task-recorder";

setupLocalEnv();
// Loaded after the env is set: params and the Admin SDK read it.
import { renderEstimateMs, resetRenderEstimate } from "../../src/adapters/render-estimate";
import { schedule } from "../../src/config/schedule";
import { RENDER_SAMPLE_SIZE } from "../../src/domain/render-estimate";
import { generateVideo } from "../../src/handlers/generate-video";
import { db, setBalance } from "../../../test-harness/firestore";

describe("ETA from measured render times (estimatedReadyAt)", () => {
  let tasks: TaskRecorder;
  const planted: string[] = [];
  before(async () => (tasks = await withTaskRecorder()));
  after(async () => {
    await tasks.stop();
    await Promise.all(planted.map((id) => db().doc(`creations/${id}`).delete()));
    resetRenderEstimate();
  });

  /** Finished creations, newer than anything else in the database (completedAt ahead of now). */
  async function finished(generationTimes: number[], aheadMs: number): Promise<void> {
    const userId = uniqueUid("render-estimate");
    await Promise.all(
      generationTimes.map(async (generationTime, i) => {
        const ref = db().collection("creations").doc();
        planted.push(ref.id);
        await ref.set({
          userId,
          status: "draft",
          generationTime,
          completedAt: Timestamp.fromMillis(Date.now() + aheadMs + i),
        });
      }),
    );
  }

  it("is the median generationTime of the latest finished creations, read once per period", async () => {
    resetRenderEstimate();
    // Older measurements that the latest sample pushes out.
    await finished([500, 500, 500, 500, 500], 86_400_000);
    await finished(
      Array.from({ length: RENDER_SAMPLE_SIZE }, (_, i) => 3 + i),
      2 * 86_400_000,
    );
    expect(await renderEstimateMs()).to.equal(12_500);
    // Cached for the instance: newer drafts do not cost a read on every submission.
    await finished(
      Array.from({ length: RENDER_SAMPLE_SIZE }, () => 40),
      3 * 86_400_000,
    );
    expect(await renderEstimateMs()).to.equal(12_500);
    resetRenderEstimate();
    expect(await renderEstimateMs()).to.equal(40_000);
  });

  it("a submission's estimatedReadyAt is its start in the queue plus the measured render time", async () => {
    resetRenderEstimate();
    await finished(
      Array.from({ length: RENDER_SAMPLE_SIZE }, () => 7),
      4 * 86_400_000,
    );
    const uid = uniqueUid();
    await setBalance(uid, 100);
    const before = Date.now();
    const { creationId } = await generateVideo(
      callableRequest({ prompt: "an ETA", duration: 4 }, uid),
    );
    const after = Date.now();
    const doc = await db().doc(`creations/${creationId}`).get();
    const position = doc.get("queuePosition") as number;
    const waitMs = (position * 60_000) / schedule().perMinute.starts;
    const readyAt = (doc.get("estimatedReadyAt") as Timestamp).toMillis();
    expect(readyAt).to.be.within(before + waitMs + 7000, after + waitMs + 7000);
  });
});
