/// <reference types="vite/client" />

/** Injected by web/server.ts from stack/config.ts: the fixed addresses of the local stack. */
declare const __LOCAL_STACK__: {
  host: string;
  projectId: string;
  ports: { auth: number; firestore: number; functions: number };
};

interface ImportMetaEnv {
  /** A real project's web app config (Firebase console → Project settings → Your apps). */
  readonly VITE_FIREBASE_API_KEY?: string;
  readonly VITE_FIREBASE_AUTH_DOMAIN?: string;
  readonly VITE_FIREBASE_PROJECT_ID?: string;
  readonly VITE_FIREBASE_APP_ID?: string;
  /** Region of the callable functions; default us-central1. */
  readonly VITE_FUNCTIONS_REGION?: string;
  /** reCAPTCHA Enterprise site key: turns App Check on. */
  readonly VITE_APP_CHECK_SITE_KEY?: string;
  /** App Check debug token for development builds ("true": the SDK logs a new one). */
  readonly VITE_APP_CHECK_DEBUG_TOKEN?: string;
}
