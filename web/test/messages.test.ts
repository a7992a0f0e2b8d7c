import { expect } from "chai";
import { ClientValidationError, ErrorReason } from "../../client";
import { actionMessage, authMessage, submitRefusals } from "../src/messages";

/** The shape the Firebase SDK gives a callable's HttpsError. */
const callableError = (code: string, details?: unknown) =>
  Object.assign(new Error(code), { code: `functions/${code}`, details });

describe("web: the contract's refusals as human messages", () => {
  it("puts each invalid field's message next to that field", () => {
    const refusals = submitRefusals(new ClientValidationError({ fields: ["prompt", "seed"] }));
    expect(refusals.map((r) => r.slot)).to.deep.equal(["prompt", "seed"]);
    expect(refusals[0].text).to.match(/1 to 2000 characters/);
    expect(refusals[1].text).to.match(/0 to 4294967295/);
  });

  it("handles the server's invalid-argument too, and fields it does not know", () => {
    expect(
      submitRefusals(callableError("invalid-argument", { fields: ["duration"] })),
    ).to.deep.equal([{ slot: "duration", text: "Choose 4, 6 or 8 seconds." }]);
    expect(
      submitRefusals(callableError("invalid-argument", { fields: ["(root)"] }))[0].slot,
    ).to.equal("form");
  });

  it("explains insufficient tokens next to the cost, with both numbers", () => {
    const [refusal] = submitRefusals(
      callableError("failed-precondition", {
        reason: ErrorReason.insufficientTokens,
        required: 15,
        balance: 4,
      }),
    );
    expect(refusal.slot).to.equal("cost");
    expect(refusal.text).to.contain("costs 15 tokens; you have 4 tokens");
  });

  it("asks to wait when too many videos are in progress", () => {
    const [refusal] = submitRefusals(
      callableError("resource-exhausted", { reason: ErrorReason.tooManyActiveJobs }),
    );
    expect(refusal).to.deep.include({ slot: "form" });
    expect(refusal.text).to.match(/Wait for one to finish/);
  });

  it("says when to come back when the queue is full", () => {
    const full = (details: unknown) =>
      submitRefusals(callableError("resource-exhausted", details))[0];
    expect(full({ reason: "queue-full", retryAfterSeconds: 300 }).text).to.equal(
      "Too many videos are waiting right now. Try again in about 5 min.",
    );
    expect(full({ reason: "queue-full" }).text).to.match(/in a few minutes\.$/);
  });

  it("names the state that refused an action, and never shows internals", () => {
    expect(
      actionMessage(
        callableError("failed-precondition", {
          reason: ErrorReason.wrongState,
          status: "processing",
        }),
      ),
    ).to.equal("Not possible while the video is processing.");
    expect(actionMessage(callableError("internal"))).to.equal(
      "Something went wrong on our side. Try again in a moment.",
    );
    expect(actionMessage(callableError("unavailable"))).to.match(/could not be reached/);
  });

  it("translates Auth errors", () => {
    expect(authMessage({ code: "auth/email-already-in-use" })).to.match(/Sign in instead/);
    expect(authMessage({ code: "auth/something-new" })).to.equal(
      "Signing in did not work. Try again.",
    );
  });
});
