// The app's view: the Firebase JS client SDK and the typed client module against the
// emulators — httpsCallable to submit, onSnapshot to follow, typed errors to branch on.
import { expect } from "chai";
import { collection, doc, getDoc, getDocs, query, where } from "firebase/firestore";
import { signUpVerifiedUser } from "../../demo/account";
import { connectClient, type ClientSdk } from "../../demo/firebase-client";
import {
  cancelCreation,
  deleteCreation,
  generateVideo,
  getMediaUrl,
  isInsufficientTokens,
  isInvalidArgument,
  isNotFound,
  isTooManyActiveJobs,
  isWrongState,
  publishCreation,
  waitForEnd,
  type CreationSnapshot,
} from "../index";

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

/** A fresh user as an app makes one: sign-up, email verified, welcome grant claimed. */
async function signUp(client: ClientSdk): Promise<string> {
  const user = await signUpVerifiedUser(client.auth, client.functions);
  expect(user.welcome).to.deep.equal({ granted: true, balance: 100 });
  return user.uid;
}

describe("e2e: the typed client module over the Firebase JS SDK", function () {
  this.timeout(120_000);
  let client: ClientSdk;

  before(async () => {
    client = connectClient();
    await signUp(client);
  });
  after(() => client.close());

  it("submits, follows the creation to draft, publishes, links and deletes it", async () => {
    const { creationId, cost, balance } = await generateVideo(client.functions, {
      prompt: "a kite over the dunes",
      duration: 4,
    });
    expect({ cost, balance }).to.deep.equal({ cost: 5, balance: 95 });
    const seen: string[] = [];
    const done = await waitForEnd(client.db, creationId, {
      timeoutMs: 90_000,
      onChange: (c: CreationSnapshot | null) => c && seen.push(c.status),
    });
    expect(done?.status).to.equal("draft");
    expect(seen.at(-1)).to.equal("draft");

    const link = await getMediaUrl(client.functions, { creationId });
    expect((await fetch(link.mediaUrl)).status).to.equal(200);
    expect(isWrongState(await failure(cancelCreation(client.functions, { creationId })))).to.equal(
      true,
    );

    const published = await publishCreation(client.functions, { creationId });
    expect(published.status).to.equal("published");
    expect((await fetch(published.mediaUrl)).status).to.equal(200);

    expect(await deleteCreation(client.functions, { creationId })).to.deep.equal({
      creationId,
      deleted: true,
    });
    expect(isNotFound(await failure(getMediaUrl(client.functions, { creationId })))).to.equal(true);
  });

  it("gives typed errors clients can branch on", async () => {
    const invalid = await failure(generateVideo(client.functions, { prompt: "" }));
    expect(isInvalidArgument(invalid) && invalid.details.fields).to.deep.equal(["prompt"]);
    // 95 tokens left, 23 per video: the active-job cap (3) refuses two of five at once.
    const expensive = {
      prompt: "long and loud",
      resolution: "1080p",
      generateAudio: true,
    } as const;
    // One attempt each (this checks the server's refusals, not the module's retries), and slow
    // jobs: on a loaded machine the five calls may reach the server seconds apart, and a job
    // that ended meanwhile would rightly free its slot.
    const slow = { ...expensive, prompt: "long and loud [[slow:15000]]" };
    const burst = await Promise.allSettled(
      Array.from({ length: 5 }, () => generateVideo(client.functions, slow, { maxAttempts: 1 })),
    );
    const accepted = burst.flatMap((r) => (r.status === "fulfilled" ? [r.value.creationId] : []));
    const refused = burst.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(accepted).to.have.length(3);
    expect(refused.every(isTooManyActiveJobs)).to.equal(true);
    for (const id of accepted) await waitForEnd(client.db, id, { timeoutMs: 90_000 });
    // 95 - 3 x 23 = 26 left: one more fits, the next one does not.
    await generateVideo(client.functions, expensive);
    const broke = await failure(generateVideo(client.functions, expensive));
    expect(isInsufficientTokens(broke) && broke.details).to.deep.include({
      required: 23,
      balance: 3,
    });
  });
});

describe("e2e: a lost reply, retried by the client module, charges once", function () {
  this.timeout(120_000);
  let client: ClientSdk;
  let uid: string;

  before(async () => {
    client = connectClient();
    uid = await signUp(client);
  });
  after(() => client.close());

  it("the server commits, the reply is lost, the module retries with the same requestId", async () => {
    const balance = async () =>
      (await getDoc(doc(client.db, "users", uid))).get("tokenBalance") as number;
    const before = await balance();
    const realFetch = globalThis.fetch;
    let lostReplies = 0;
    globalThis.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      if (String(input).endsWith("/generateVideo") && lostReplies === 0) {
        lostReplies++; // the function ran and committed; its reply never reaches the app
        throw new TypeError("network connection lost");
      }
      return response;
    };
    let result;
    try {
      // No requestId from the app: the module makes one and reuses it for its retry.
      result = await generateVideo(
        client.functions,
        { prompt: "lost reply", duration: 4 },
        {
          retryDelayMs: 50,
        },
      );
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(lostReplies).to.equal(1);
    expect(result.requestId).to.match(/^[A-Za-z0-9_-]{8,128}$/);
    expect(before - (await balance())).to.equal(result.cost);
    const debits = await getDocs(
      query(collection(client.db, "transactions"), where("userId", "==", uid)),
    );
    expect(
      debits.docs.filter((d) => d.get("type") === "video_generation").map((d) => d.get("amount")),
    ).to.deep.equal([-result.cost]);
    await waitForEnd(client.db, result.creationId, { timeoutMs: 90_000 });
  });
});
