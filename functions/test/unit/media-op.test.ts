import { expect } from "chai";
import { decideMediaOp, MEDIA_OP_LEASE_MS, type MediaOp } from "../../src/domain/media-op";
import { publicProjection } from "../../src/domain/public-creation";

const NOW = 1_000_000;
const held = (kind: MediaOp["kind"]): MediaOp => ({ kind, owner: "o", expiresAtMs: NOW + 1 });
const expired = (kind: MediaOp["kind"]): MediaOp => ({ kind, owner: "o", expiresAtMs: NOW });

describe("media operations (publish and delete take turns)", () => {
  it("publish claims a free draft, is done when published, refuses other states", () => {
    expect(decideMediaOp({ status: "draft" }, "publish", NOW)).to.deep.equal({ outcome: "claim" });
    expect(decideMediaOp({ status: "published" }, "publish", NOW).outcome).to.equal("done");
    for (const status of ["pending", "processing", "failed", "cancelled"] as const) {
      expect(decideMediaOp({ status }, "publish", NOW)).to.deep.equal({
        outcome: "wrong-state",
        status,
      });
    }
    expect(decideMediaOp(null, "publish", NOW)).to.deep.equal({
      outcome: "wrong-state",
      status: "missing",
    });
  });

  it("publish waits for any held operation; an expired lease is free again", () => {
    for (const kind of ["publish", "delete"] as const) {
      expect(
        decideMediaOp({ status: "draft", mediaOp: held(kind) }, "publish", NOW).outcome,
      ).to.equal("busy");
      expect(
        decideMediaOp({ status: "draft", mediaOp: expired(kind) }, "publish", NOW).outcome,
      ).to.equal("claim");
    }
  });

  it("delete waits only for a publish, never for another delete, and is done when gone", () => {
    expect(
      decideMediaOp({ status: "published", mediaOp: held("publish") }, "delete", NOW).outcome,
    ).to.equal("busy");
    expect(
      decideMediaOp({ status: "draft", mediaOp: held("delete") }, "delete", NOW).outcome,
    ).to.equal("claim");
    expect(decideMediaOp(null, "delete", NOW).outcome).to.equal("done");
    expect(decideMediaOp({ status: "processing" }, "delete", NOW)).to.deep.equal({
      outcome: "wrong-state",
      status: "processing",
    });
    expect(MEDIA_OP_LEASE_MS).to.be.greaterThan(60_000);
  });

  it("the public projection holds what a feed needs and nothing internal", () => {
    const projection = publicProjection(
      "c1",
      { prompt: "a fox", aspectRatio: "9:16", duration: 8 },
      "https://media.example/c1.mp4",
      null,
    );
    expect(projection).to.deep.equal({
      creationId: "c1",
      mediaUrl: "https://media.example/c1.mp4",
      posterUrl: null,
      prompt: "a fox",
      aspectRatio: "9:16",
      duration: 8,
      creatorName: null,
    });
  });
});
