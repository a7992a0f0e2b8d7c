// Hostile input: generated payloads and bad ID tokens must get only the contract's 4xx codes,
// never a 500, and must write nothing. ID token verification is tested where it really runs:
// the Functions emulator skips it (FIREBASE_DEBUG_MODE + skipTokenVerification), so the
// callable wrappers are also served from this process, where firebase-admin verifies tokens.
import { expect } from "chai";
import { signInWithEmailAndPassword } from "firebase/auth";
import { connectClient, type ClientSdk } from "../demo/firebase-client";
import { generateVideo as generateVideoFunction } from "../functions/src/index";
import { FUNCTIONS_ORIGIN, PROJECT_ID, REGION } from "../test-harness/emulators";
import { serveCallables } from "../test-harness/callable-server";
import { setupLocalEnv } from "../test-harness/inprocess";
import { db } from "../test-harness/pipeline";
import { bump, scenario, type ScenarioFigures } from "./figures";
import {
  hostileInputCalls,
  hostileLifecycleCalls,
  hostilePayloads,
  type HostileCall,
} from "./hostile-payloads";
import { profile } from "./profile";
import { allSettled, cleanSlate, generate, pool, users, waitAllEnded } from "./support";
import { clientSdkAttempts } from "./hostile-client-sdk";
import { forgedTokens, unsignedTokenFor, unusableTokens, type TokenCase } from "./tokens";

/** The contract's error codes for bad requests and their HTTP statuses (callable protocol). */
const CONTRACT_4XX: Record<string, number> = {
  "invalid-argument": 400,
  "failed-precondition": 400,
  unauthenticated: 401,
  "permission-denied": 403,
  "not-found": 404,
  "resource-exhausted": 429,
};

interface Reply {
  status: number;
  /** The callable error code, or "http-<status>" when the reply is not the callable protocol. */
  code: string;
}

async function send(
  origin: string,
  fn: string,
  body: string,
  authorization?: string,
): Promise<Reply> {
  const res = await fetch(`${origin}/${fn}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  try {
    const parsed = JSON.parse(text) as { error?: { status?: string }; result?: unknown };
    if (parsed.error?.status)
      return { status: res.status, code: parsed.error.status.toLowerCase().replace(/_/g, "-") };
    if ("result" in parsed) return { status: res.status, code: "ok" };
  } catch {
    // not JSON
  }
  return { status: res.status, code: `http-${res.status}` };
}

const emulator = `${FUNCTIONS_ORIGIN}/${PROJECT_ID}/${REGION}`;

/** Everything stored, so "never a write" is checked on content, not on counts. */
async function fingerprint(): Promise<string> {
  const parts: string[] = [];
  for (const name of ["users", "creations", "transactions"]) {
    const snap = await db().collection(name).get();
    for (const doc of snap.docs) parts.push(`${name}/${doc.id}=${JSON.stringify(doc.data())}`);
  }
  return parts.sort().join("\n");
}

function record(fig: ScenarioFigures, reply: Reply) {
  fig.sent++;
  if (reply.code === "ok") fig.accepted++;
  else bump(fig.rejected, reply.code);
}

/** A contract rejection: a 4xx the contract names, with its HTTP status. */
const isContract4xx = (r: Reply) => CONTRACT_4XX[r.code] === r.status;

describe("reliability: hostile input", function () {
  this.timeout(600_000);
  const fig = scenario(`hostile input (${profile.hostilePayloads}+ payloads, bad ID tokens)`);
  let attacker: Awaited<ReturnType<typeof users>>[number];
  let foreignCreation: string;

  before(async () => {
    await cleanSlate();
    const [a, victim] = await users(2);
    attacker = a;
    const own = await generate(scenario("hostile input: setup"), victim, {
      prompt: "victim's own [[permanent]]",
      duration: 4,
    });
    if (!own.ok) throw new Error(`setup: ${own.code}`);
    foreignCreation = own.result.creationId;
    await waitAllEnded(
      scenario("hostile input: setup"),
      new Map([[foreignCreation, Date.now()]]),
      60_000,
    );
  });

  it("answers generated payloads with contract 4xx codes only and writes nothing", async () => {
    await allSettled();
    const before = await fingerprint();
    const calls: HostileCall[] = [
      ...hostilePayloads(profile.hostilePayloads),
      ...hostileLifecycleCalls(foreignCreation),
      ...hostileInputCalls(foreignCreation),
    ];
    const bad: string[] = [];
    await pool(calls, 8, async (call) => {
      const reply = await send(emulator, call.fn, call.body, `Bearer ${attacker.idToken}`);
      record(fig, reply);
      // Bodies that are not the callable protocol never reach it; a plain 400 is all there is.
      const notProtocol = call.label.startsWith("body ") && reply.status === 400;
      if (!isContract4xx(reply) && !notProtocol)
        bad.push(`${call.label} → ${reply.status} ${reply.code}`);
    });
    expect(bad, "replies outside the contract's 4xx codes").to.deep.equal([]);
    expect(await fingerprint(), "nothing written").to.equal(before);
  });

  it("rejects fields smuggled in through a __proto__ key (no write)", async () => {
    // firebase-functions' decode() copies `data` key by key, so an own "__proto__" key becomes
    // the prototype of the object our zod schema then reads: prompt/duration arrive inherited.
    await allSettled();
    const before = await fingerprint();
    const body = '{"data":{"__proto__":{"prompt":"smuggled through __proto__","duration":4}}}';
    const reply = await send(emulator, "generateVideo", body, `Bearer ${attacker.idToken}`);
    record(fig, reply);
    expect(reply, "a request with no own fields is invalid").to.deep.equal({
      status: 400,
      code: "invalid-argument",
    });
    expect(await fingerprint(), "nothing written").to.equal(before);
  });

  it("refuses every client-SDK write to money documents and every foreign read (permission-denied)", async () => {
    // The attacker's own creation and ledger entry are the most tempting targets.
    const own = await generate(scenario("hostile input: setup"), attacker, {
      prompt: "attacker's own [[permanent]]",
      duration: 4,
    });
    if (!own.ok) throw new Error(`setup: ${own.code}`);
    await waitAllEnded(
      scenario("hostile input: setup"),
      new Map([[own.result.creationId, Date.now()]]),
      60_000,
    );
    await allSettled();
    const ledger = await db().collection("transactions").where("userId", "==", attacker.uid).get();
    const victimUid = (await db().doc(`creations/${foreignCreation}`).get()).get(
      "userId",
    ) as string;
    const before = await fingerprint();
    const client: ClientSdk = connectClient();
    try {
      await signInWithEmailAndPassword(client.auth, attacker.email, attacker.password);
      const attempts = clientSdkAttempts(client.db, {
        uid: attacker.uid,
        victimUid,
        ownCreation: own.result.creationId,
        foreignCreation,
        ownLedgerEntry: ledger.docs[0]?.id ?? "missing",
      });
      expect(attempts.length).to.be.at.least(25);
      const bad: string[] = [];
      for (const attempt of attempts) {
        const code = await attempt.run().then(
          () => "ok",
          (err: unknown) => String((err as { code?: unknown } | null)?.code ?? err),
        );
        fig.sent++;
        if (code === "ok") fig.accepted++;
        else bump(fig.rejected, `client SDK: ${code}`);
        if (code !== "permission-denied") bad.push(`${attempt.label} → ${code}`);
      }
      expect(bad, "client-SDK attempts not refused with permission-denied").to.deep.equal([]);
    } finally {
      await client.close();
    }
    expect(await fingerprint(), "nothing written").to.equal(before);
  });

  it("refuses requests without a usable ID token over the emulator", async () => {
    await allSettled();
    const before = await fingerprint();
    const bad: string[] = [];
    for (const token of unusableTokens()) {
      for (const [fn, data] of [
        ["generateVideo", { prompt: "a valid request", duration: 4 }],
        ["cancelCreation", { creationId: foreignCreation }],
        ["grantTokens", { userId: attacker.uid, amount: 1000, reason: "free" }],
      ] as const) {
        const reply = await send(emulator, fn, JSON.stringify({ data }), token.header);
        record(fig, reply);
        if (reply.code !== "unauthenticated" || reply.status !== 401)
          bad.push(`${token.kind} ${fn} → ${reply.status} ${reply.code}`);
      }
    }
    expect(bad).to.deep.equal([]);
    expect(await fingerprint(), "nothing written").to.equal(before);
  });

  it("refuses forged, expired and other-project ID tokens where tokens are verified", async () => {
    // App Check is a separate gate (no App Check tokens can be made offline): off here, so
    // the ID token is what decides.
    setupLocalEnv({ ENFORCE_APP_CHECK: "false" });
    // The onCall wrapper itself, verifying with firebase-admin (emulator mode: claims, expiry,
    // project and the user's existence are checked; signatures are not, see the report).
    const server = await serveCallables({
      generateVideo: generateVideoFunction as unknown as Parameters<
        typeof serveCallables
      >[0][string],
    });
    try {
      const control = await send(
        server.origin,
        "generateVideo",
        JSON.stringify({ data: { prompt: "" } }),
        `Bearer ${attacker.idToken}`,
      );
      expect(control, "a genuine token passes verification").to.deep.equal({
        status: 400,
        code: "invalid-argument",
      });

      await allSettled();
      const before = await fingerprint();
      const valid = JSON.stringify({ data: { prompt: "a valid request", duration: 4 } });
      const bad: string[] = [];
      const cases: TokenCase[] = [...unusableTokens(), ...forgedTokens(attacker.uid)];
      for (const token of cases) {
        const reply = await send(server.origin, "generateVideo", valid, token.header);
        record(fig, reply);
        bump(fig.faults, `token: ${token.kind}`);
        if (reply.code !== "unauthenticated" || reply.status !== 401)
          bad.push(`${token.kind} → ${reply.status} ${reply.code}`);
      }
      expect(bad).to.deep.equal([]);
      expect(await fingerprint(), "nothing written").to.equal(before);

      // Not refusable offline: an unsigned token with valid claims is what the Auth emulator
      // itself issues. Probed with invalid input so that nothing can be written.
      const unsigned = unsignedTokenFor(attacker.uid);
      const probe = await send(
        server.origin,
        "generateVideo",
        JSON.stringify({ data: { prompt: "" } }),
        unsigned.header,
      );
      const verdict = probe.code === "invalid-argument" ? "accepted" : `refused (${probe.code})`;
      fig.notes.push(`in-process (firebase-admin, emulator mode), ${unsigned.kind}: ${verdict}`);
    } finally {
      await server.stop();
    }
  });

  it("records what the Functions emulator does with forged tokens (no verification there)", async () => {
    await allSettled();
    const before = await fingerprint();
    const seen: string[] = [];
    for (const token of forgedTokens(attacker.uid)) {
      // Invalid input: whatever the emulator makes of the token, nothing may be written.
      const reply = await send(
        emulator,
        "generateVideo",
        JSON.stringify({ data: { prompt: "" } }),
        token.header,
      );
      record(fig, reply);
      expect(reply.status, `${token.kind}: never a 5xx`).to.be.below(500);
      seen.push(`${token.kind}: ${reply.code === "invalid-argument" ? "accepted" : reply.code}`);
    }
    fig.notes.push(`emulator with forged tokens (skipTokenVerification) → ${seen.join("; ")}`);
    expect(await fingerprint(), "nothing written").to.equal(before);
  });
});
