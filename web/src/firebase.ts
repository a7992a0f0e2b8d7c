/**
 * The Firebase JS SDK, configured once. Without a project in the environment the app runs on
 * the local stack (`demo-phoenix`, emulators on their fixed ports); with VITE_FIREBASE_* set
 * (see web/README.md) it talks to that real project, with App Check when a site key is given.
 */
import { initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, getAuth, type Auth } from "firebase/auth";
import { connectFirestoreEmulator, getFirestore, type Firestore } from "firebase/firestore";
import { connectFunctionsEmulator, getFunctions, type Functions } from "firebase/functions";

export interface Sdk {
  app: FirebaseApp;
  auth: Auth;
  db: Firestore;
  functions: Functions;
  /** True when talking to the local emulators. */
  local: boolean;
  /** Locally: the Auth emulator's list of the mails it would have sent (verification links). */
  emulatorInbox?: string;
}

/** Defined only when web/server.ts serves the app next to the local stack. */
const localStack = typeof __LOCAL_STACK__ === "undefined" ? undefined : __LOCAL_STACK__;

export async function connect(env: ImportMetaEnv = import.meta.env): Promise<Sdk> {
  const projectId = env.VITE_FIREBASE_PROJECT_ID ?? localStack?.projectId;
  if (!projectId) {
    throw new Error(
      "no Firebase project: set VITE_FIREBASE_* (web/README.md) or run `npm run web`",
    );
  }
  // demo- projects never reach Google: the SDK and the emulators agree on that convention.
  const local = projectId.startsWith("demo-");
  const app = initializeApp({
    projectId,
    apiKey: env.VITE_FIREBASE_API_KEY ?? "demo-api-key",
    authDomain: env.VITE_FIREBASE_AUTH_DOMAIN,
    appId: env.VITE_FIREBASE_APP_ID,
  });
  if (env.VITE_APP_CHECK_SITE_KEY) {
    // Loaded only when configured: App Check must be on before the first call is made.
    const { initializeAppCheck, ReCaptchaEnterpriseProvider } = await import("firebase/app-check");
    if (env.VITE_APP_CHECK_DEBUG_TOKEN) {
      // Development against a real project: "true" makes the SDK log a token to register.
      const token = env.VITE_APP_CHECK_DEBUG_TOKEN;
      (self as { FIREBASE_APPCHECK_DEBUG_TOKEN?: string | boolean }).FIREBASE_APPCHECK_DEBUG_TOKEN =
        token === "true" ? true : token;
    }
    initializeAppCheck(app, {
      provider: new ReCaptchaEnterpriseProvider(env.VITE_APP_CHECK_SITE_KEY),
      isTokenAutoRefreshEnabled: true,
    });
  }
  const auth = getAuth(app);
  const db = getFirestore(app);
  const functions = getFunctions(app, env.VITE_FUNCTIONS_REGION ?? "us-central1");
  if (local) {
    if (!localStack)
      throw new Error(`${projectId} is a demo project: serve it with \`npm run web\``);
    const { host, ports } = localStack;
    connectAuthEmulator(auth, `http://${host}:${ports.auth}`, { disableWarnings: true });
    connectFirestoreEmulator(db, host, ports.firestore);
    connectFunctionsEmulator(functions, host, ports.functions);
  }
  const emulatorInbox = localStack
    ? `http://${localStack.host}:${localStack.ports.auth}/emulator/v1/projects/${projectId}/oobCodes`
    : undefined;
  return { app, auth, db, functions, local, emulatorInbox: local ? emulatorInbox : undefined };
}
