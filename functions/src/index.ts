import { onCall } from "firebase-functions/v2/https";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { getFunctions } from "firebase-admin/functions";
import { initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
initializeApp();
export const ping = onCall(async (req) => {
  await getFunctions().taskQueue("pingWorker").enqueue({ id: String(req.data.id) }, { id: "t-" + req.data.id });
  return { env: process.env.FIRESTORE_EMULATOR_HOST ?? null, tasks: process.env.CLOUD_TASKS_EMULATOR_HOST ?? null };
});
export const pingWorker = onTaskDispatched({ retryConfig: { maxAttempts: 3, minBackoffSeconds: 1 } }, async (req) => {
  console.log("task", req.data, req.retryCount);
  await getFirestore().doc("pings/" + req.data.id).set({ ok: true, retry: req.retryCount });
});
