// Addresses of the local stack and the emulator REST calls tests use to reset it and
// to get signed-in users. Same endpoints on the stand-in and the official emulators.
export const PROJECT_ID = "demo-phoenix";
export const REGION = "us-central1";
export const FIRESTORE_HOST = process.env.FIRESTORE_EMULATOR_HOST ?? "127.0.0.1:8080";
export const AUTH_HOST = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? "127.0.0.1:9099";
export const FUNCTIONS_ORIGIN = "http://127.0.0.1:5001";

/** S3 client settings for the local R2 stand-in (s3rver). */
export const LOCAL_S3 = {
  endpoint: process.env.R2_ENDPOINT ?? "http://127.0.0.1:9000",
  bucket: process.env.R2_BUCKET ?? "phoenix-media",
  publicBucket: process.env.R2_PUBLIC_BUCKET ?? "phoenix-media-public",
  region: "auto",
  forcePathStyle: true,
  credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
} as const;

const AUTH_API = `http://${AUTH_HOST}/identitytoolkit.googleapis.com/v1`;
const AUTH_ADMIN = { authorization: "Bearer owner", "content-type": "application/json" };

async function request(url: string, init: RequestInit, what: string): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${what} failed: HTTP ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Deletes every document in the emulator's default database. */
export async function resetFirestore(): Promise<void> {
  await request(
    `http://${FIRESTORE_HOST}/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`,
    { method: "DELETE" },
    "Firestore reset",
  );
}

/** Deletes every Auth emulator user. */
export async function clearAuthUsers(): Promise<void> {
  await request(
    `http://${AUTH_HOST}/emulator/v1/projects/${PROJECT_ID}/accounts`,
    { method: "DELETE" },
    "Auth reset",
  );
}

export interface TestUser {
  uid: string;
  email: string;
  password: string;
  idToken: string;
}

let userCounter = 0;

/**
 * Creates an email account on the Auth emulator and returns an ID token for callables. The
 * address is verified (as an admin creates accounts), so the sign-up trigger's welcome policy
 * admits it at once; `verified: false` signs up as an app would, unverified. With `claims`,
 * sets custom claims (e.g. `{ admin: true }`) and returns a token carrying them.
 */
export async function createUser(
  options: {
    email?: string;
    password?: string;
    claims?: Record<string, unknown>;
    verified?: boolean;
  } = {},
): Promise<TestUser> {
  const email = options.email ?? `user-${process.pid}-${Date.now()}-${++userCounter}@example.com`;
  const password = options.password ?? "password-123";
  const verified = options.verified ?? true;
  const signUp = (await request(
    verified
      ? `${AUTH_API}/projects/${PROJECT_ID}/accounts`
      : `${AUTH_API}/accounts:signUp?key=fake`,
    {
      method: "POST",
      headers: verified ? AUTH_ADMIN : { "content-type": "application/json" },
      body: JSON.stringify({ email, password, emailVerified: verified, returnSecureToken: true }),
    },
    "Auth sign-up",
  )) as { localId: string; idToken?: string };
  if (!options.claims) {
    const idToken = signUp.idToken ?? (await signIn(email, password));
    return { uid: signUp.localId, email, password, idToken };
  }

  await request(
    `${AUTH_API}/projects/${PROJECT_ID}/accounts:update`,
    {
      method: "POST",
      headers: AUTH_ADMIN,
      body: JSON.stringify({
        localId: signUp.localId,
        customAttributes: JSON.stringify(options.claims),
      }),
    },
    "Auth set claims",
  );
  return { uid: signUp.localId, email, password, idToken: await signIn(email, password) };
}

/** A fresh ID token for an existing emulator user. */
export async function signIn(email: string, password: string): Promise<string> {
  const res = (await request(
    `${AUTH_API}/accounts:signInWithPassword?key=fake`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
    "Auth sign-in",
  )) as { idToken: string };
  return res.idToken;
}
