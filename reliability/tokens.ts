// ID tokens for the hostile-input scenario. The Auth emulator issues unsigned tokens
// (alg "none"); production tokens are RS256-signed by Google with a `kid` header.
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const PROJECT = "demo-phoenix";

export interface TokenCase {
  kind: string;
  /** The Authorization header, or undefined for none. */
  header?: string;
}

function jwt(header: Record<string, unknown>, claims: Record<string, unknown>, signature = "") {
  return `${b64(header)}.${b64(claims)}.${signature}`;
}

function claimsFor(uid: string, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: `https://securetoken.google.com/${PROJECT}`,
    aud: PROJECT,
    // Not before the user's tokensValidAfterTime (sign-up), or it reads as a revoked token.
    auth_time: now,
    user_id: uid,
    sub: uid,
    iat: now,
    exp: now + 3600,
    firebase: { identities: {}, sign_in_provider: "password" },
    ...overrides,
  };
}

const fakeSignature = Buffer.alloc(256, 7).toString("base64url");

/** Tokens every verifier must refuse, emulator or not: no usable identity in them. */
export function unusableTokens(): TokenCase[] {
  return [
    { kind: "missing" },
    { kind: "empty bearer", header: "Bearer " },
    { kind: "wrong scheme", header: "Basic dXNlcjpwYXNz" },
    { kind: "not a JWT", header: "Bearer not-a-token" },
    { kind: "JWT of garbage", header: "Bearer a.b.c" },
    {
      kind: "JWT without subject",
      header: `Bearer ${jwt({ alg: "none" }, claimsFor("", { sub: undefined, user_id: undefined }))}`,
    },
  ];
}

/** Tokens naming a real user that a verifying server must refuse. */
export function forgedTokens(uid: string): TokenCase[] {
  const now = Math.floor(Date.now() / 1000);
  return [
    {
      kind: "expired",
      header: `Bearer ${jwt({ alg: "none" }, claimsFor(uid, { iat: now - 7200, exp: now - 3600 }))}`,
    },
    {
      kind: "other project (aud)",
      header: `Bearer ${jwt({ alg: "none" }, claimsFor(uid, { aud: "other-project" }))}`,
    },
    {
      kind: "other issuer",
      header: `Bearer ${jwt({ alg: "none" }, claimsFor(uid, { iss: "https://securetoken.google.com/other-project" }))}`,
    },
    {
      kind: "RS256, forged signature",
      header: `Bearer ${jwt({ alg: "RS256", kid: "forged", typ: "JWT" }, claimsFor(uid), fakeSignature)}`,
    },
    {
      kind: "unknown user",
      header: `Bearer ${jwt({ alg: "none" }, claimsFor("no-such-user-0000000000"))}`,
    },
  ];
}

/** An unsigned (alg none) token for a real user: what the Auth emulator itself issues. */
export function unsignedTokenFor(uid: string): TokenCase {
  return {
    kind: "unsigned (alg none), valid claims",
    header: `Bearer ${jwt({ alg: "none", typ: "JWT" }, claimsFor(uid))}`,
  };
}
