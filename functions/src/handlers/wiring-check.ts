// A callable that enqueues a Cloud Tasks task whose handler writes a Firestore document:
// the end-to-end smoke test uses it to prove Auth → Functions → Cloud Tasks → Firestore
// wiring, locally and after a deploy. Admin SDK modules load lazily (cold starts).
import { HttpsError, onCall } from "firebase-functions/v2/https";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import * as logger from "firebase-functions/logger";

export const WIRING_CHECK_COLLECTION = "wiringChecks";
const TOKEN = /^[A-Za-z0-9_-]{8,64}$/;

async function admin() {
  const { initializeApp, getApps } = await import("firebase-admin/app");
  if (!getApps().length) initializeApp();
}

function parseToken(data: unknown): string | undefined {
  const token = (data as { token?: unknown } | null)?.token;
  return typeof token === "string" && TOKEN.test(token) ? token : undefined;
}

export const wiringCheck = onCall(async (req) => {
  // Signed-in callers only: in production this must not be a free write endpoint.
  if (!req.auth) throw new HttpsError("unauthenticated", "Sign in first.");
  const token = parseToken(req.data);
  if (!token) {
    throw new HttpsError("invalid-argument", "token: 8-64 characters of [A-Za-z0-9_-]", {
      fields: ["token"],
    });
  }
  await admin();
  const { getFunctions } = await import("firebase-admin/functions");
  try {
    await getFunctions()
      .taskQueue("wiringCheckTask")
      .enqueue({ token }, { id: `wiring-${token}` });
  } catch (err) {
    // Same token, same task: a replay is not an error.
    if ((err as { code?: string }).code !== "functions/task-already-exists") throw err;
  }
  return { token, enqueued: true };
});

export const wiringCheckTask = onTaskDispatched(
  { retryConfig: { maxAttempts: 3, minBackoffSeconds: 1 } },
  async (req) => {
    const token = parseToken(req.data);
    if (!token) {
      // Returning acknowledges the task: a malformed payload never gets better on retry.
      logger.warn("wiringCheckTask: malformed payload dropped");
      return;
    }
    await admin();
    const { FieldValue, getFirestore } = await import("firebase-admin/firestore");
    await getFirestore()
      .doc(`${WIRING_CHECK_COLLECTION}/${token}`)
      .set({ receivedAt: FieldValue.serverTimestamp(), retryCount: req.retryCount });
  },
);
