// The state machine as the only door to a status: transition() refuses illegal changes, and
// the claim, refund and rescue decisions write their status through it.
import { requestOf } from "../helpers/requests";
import { expect } from "chai";
import { CREATION_STATUSES, END_STATUSES, isEndStatus } from "../../src/contract";
import {
  canTransition,
  IllegalTransitionError,
  INITIAL_STATUS,
  transition,
} from "../../src/domain/creation-state";
import { newCreation, type Creation } from "../../src/domain/creation";
import { decideRefund, refundedBalances } from "../../src/domain/refund";
import { rescuedFields } from "../../src/domain/sweep";
import { claimedFields } from "../../src/domain/worker-step";

const creation = (over: Partial<Creation> = {}): Creation => ({
  ...newCreation("u1", requestOf(), 10, "h"),
  ...over,
});

describe("state machine: transition()", () => {
  it("returns the status field for every allowed change and throws for every other", () => {
    let allowed = 0;
    for (const from of CREATION_STATUSES) {
      for (const to of CREATION_STATUSES) {
        if (canTransition(from, to)) {
          expect(transition(from, to)).to.deep.equal({ status: to });
          allowed++;
        } else {
          expect(() => transition(from, to), `${from} -> ${to}`)
            .to.throw(IllegalTransitionError)
            .with.property("message", `illegal creation status change ${from} -> ${to}`);
        }
      }
    }
    expect(allowed).to.equal(8);
  });

  it("starts every creation in the initial status, an active one", () => {
    expect(creation().status).to.equal(INITIAL_STATUS);
    expect(isEndStatus(INITIAL_STATUS)).to.equal(false);
    expect(END_STATUSES.every(isEndStatus)).to.equal(true);
  });
});

describe("claim decision", () => {
  it("moves a pending creation to processing under a lease for the step", () => {
    const fields = claimedFields(creation(), 2, "owner-a", 1_000, 30_000);
    expect(fields).to.deep.equal({
      status: "processing",
      workerStep: 2,
      leaseOwner: "owner-a",
      leaseExpiresAtMs: 31_000,
      enqueueFailed: false,
      queuePosition: null,
      progress: 0.05,
    });
    expect(
      claimedFields(creation({ status: "processing", progress: 0.5 }), 3, "b", 0, 1),
    ).to.have.property("progress", 0.5);
  });

  it("refuses to claim an ended creation", () => {
    expect(() => claimedFields(creation({ status: "draft" }), 0, "o", 0, 1)).to.throw(
      IllegalTransitionError,
    );
  });
});

describe("refund decision", () => {
  it("refunds an unfinished creation once, never a delivered one", () => {
    expect(decideRefund(creation(), "failed")).to.deep.equal({ outcome: "refund" });
    expect(decideRefund(creation({ status: "processing" }), "failed")).to.deep.equal({
      outcome: "refund",
    });
    expect(decideRefund(null, "failed")).to.deep.equal({ outcome: "keep", why: "missing" });
    expect(decideRefund(creation({ status: "failed", refunded: true }), "failed")).to.deep.equal({
      outcome: "keep",
      why: "already-refunded",
    });
    for (const status of ["draft", "published"] as const)
      expect(decideRefund(creation({ status }), "failed")).to.deep.equal({
        outcome: "keep",
        why: "delivered",
      });
  });

  it("cancels only what the state machine lets reach cancelled, and honours the caller's condition", () => {
    expect(decideRefund(creation(), "cancelled").outcome).to.equal("refund");
    expect(decideRefund(creation({ status: "processing" }), "cancelled")).to.deep.equal({
      outcome: "keep",
      why: "condition",
    });
    expect(decideRefund(creation(), "failed", (c) => c.leaseOwner === "me")).to.deep.equal({
      outcome: "keep",
      why: "condition",
    });
  });

  it("gives the cost back to the balance and takes it off the spent total", () => {
    expect(refundedBalances({ tokenBalance: 5, totalTokensSpent: 30 }, 10)).to.deep.equal({
      tokenBalance: 15,
      totalTokensSpent: 20,
    });
  });
});

describe("sweeper rescue", () => {
  it("moves a lost step to a fresh step number without a lease", () => {
    expect(rescuedFields(creation({ workerStep: 4 }))).to.deep.equal({
      workerStep: 5,
      leaseOwner: null,
      leaseExpiresAtMs: null,
    });
  });
});
