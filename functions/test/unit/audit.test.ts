import { expect } from "chai";
import { auditLedger, type AuditInput } from "../../src/domain/audit";

const healthy = (): AuditInput => ({
  users: [{ id: "u1", tokenBalance: 75, totalTokensSpent: 30, activeJobs: 1 }],
  ledger: [
    { id: "welcome_u1", userId: "u1", type: "grant", amount: 100 },
    { id: "c1_debit", userId: "u1", type: "video_generation", amount: -10, creationId: "c1" },
    { id: "c2_debit", userId: "u1", type: "video_generation", amount: -10, creationId: "c2" },
    { id: "c2_refund", userId: "u1", type: "refund", amount: 10, creationId: "c2" },
    { id: "c3_debit", userId: "u1", type: "video_generation", amount: -5, creationId: "c3" },
    { id: "c4_debit", userId: "u1", type: "video_generation", amount: -5, creationId: "c4" },
    { id: "c7_debit", userId: "u1", type: "video_generation", amount: 0, creationId: "c7" },
    { id: "fixture_u1", userId: "u1", type: "grant", amount: 5 },
    // c5: 3 videos asked at 10 each, 1 delivered, 2 refunded one by one.
    { id: "c5_debit", userId: "u1", type: "video_generation", amount: -30, creationId: "c5" },
    { id: "c5_refund_1", userId: "u1", type: "refund", amount: 10, creationId: "c5" },
    { id: "c5_refund_2", userId: "u1", type: "refund", amount: 10, creationId: "c5" },
    // c6: 2 videos asked, the job failed: both refunded.
    { id: "c6_debit", userId: "u1", type: "video_generation", amount: -20, creationId: "c6" },
    { id: "c6_refund", userId: "u1", type: "refund", amount: 10, creationId: "c6" },
    { id: "c6_refund_1", userId: "u1", type: "refund", amount: 10, creationId: "c6" },
  ],
  creations: [
    { id: "c1", userId: "u1", status: "draft", refunded: false, mediaPath: "videos/u1/c1.mp4" },
    { id: "c2", userId: "u1", status: "failed", refunded: true, mediaPath: null },
    { id: "c3", userId: "u1", status: "processing", refunded: false, mediaPath: null },
    { id: "c4", userId: "u1", status: "published", refunded: false, mediaPath: "videos/u1/c4.mp4" },
    {
      id: "c5",
      userId: "u1",
      status: "draft",
      refunded: false,
      mediaPath: "videos/u1/c5.mp4",
      mediaPaths: ["videos/u1/c5.mp4"],
      cost: 30,
      sampleCount: 3,
      undelivered: 2,
    },
    {
      id: "c6",
      userId: "u1",
      status: "failed",
      refunded: true,
      mediaPath: null,
      cost: 20,
      sampleCount: 2,
    },
    {
      id: "c7",
      userId: "u1",
      status: "draft",
      refunded: false,
      mediaPath: "videos/u1/c7.mp4",
      mediaPaths: ["videos/u1/c7.mp4", "videos/u1/c7-1.mp4"],
      cost: 0,
      sampleCount: 2,
      undelivered: 0,
    },
  ],
  objects: [
    "videos/u1/c1.mp4",
    "videos/u1/c4.mp4",
    "videos/u1/c5.mp4",
    "videos/u1/c7.mp4",
    "videos/u1/c7-1.mp4",
  ],
  publicObjects: ["videos/u1/c4.mp4"],
});

describe("ledger audit", () => {
  it("finds nothing wrong in a consistent snapshot", () => {
    expect(auditLedger(healthy())).to.deep.equal([]);
  });

  const planted: Array<[string, (input: AuditInput) => void]> = [
    [
      "active-jobs-mismatch",
      (i) => {
        i.users[0].activeJobs = 2;
      },
    ],
    [
      "public-object-not-published",
      (i) => {
        i.publicObjects!.push("videos/u1/c1.mp4"); // a draft's public copy
      },
    ],
    [
      "negative-balance",
      (i) => {
        i.users[0].tokenBalance = -1;
      },
    ],
    [
      "ledger-mismatch",
      (i) => {
        i.users[0].tokenBalance = 95;
      },
    ],
    [
      "spent-mismatch",
      (i) => {
        i.users[0].totalTokensSpent = 5;
      },
    ],
    [
      "debit-count",
      (i) => {
        i.ledger.push({
          id: "x",
          userId: "u9",
          type: "video_generation",
          amount: -10,
          creationId: "c1",
        });
      },
    ],
    [
      "refund-count",
      (i) => {
        i.ledger.push({ id: "y", userId: "u9", type: "refund", amount: 10, creationId: "c2" });
      },
    ],
    [
      "refund-flag-mismatch",
      (i) => {
        i.creations[1].refunded = false;
      },
    ],
    [
      "refund-flag-mismatch",
      (i) => {
        // A partial delivery missing one of its per-video refunds.
        i.ledger = i.ledger.filter((e) => e.id !== "c5_refund_2");
      },
    ],
    [
      "refund-flag-mismatch",
      (i) => {
        // A failed several-video job refunded for only one of its videos.
        i.ledger = i.ledger.filter((e) => e.id !== "c6_refund_1");
      },
    ],
    [
      "refund-amount-mismatch",
      (i) => {
        i.ledger.find((e) => e.id === "c5_refund_1")!.amount = 15;
      },
    ],
    [
      "refund-count",
      (i) => {
        i.ledger.push({ id: "z", userId: "u1", type: "refund", amount: 10, creationId: "c5" });
        i.ledger.push({ id: "w", userId: "u1", type: "refund", amount: 10, creationId: "c5" });
      },
    ],
    [
      "delivered-without-object",
      (i) => {
        i.objects = i.objects.filter((key) => key !== "videos/u1/c7-1.mp4");
      },
    ],
    [
      "object-without-creation",
      (i) => {
        i.creations[6].mediaPaths = ["videos/u1/c7.mp4"]; // the second video's object is orphaned
      },
    ],
    [
      "refunded-but-delivered",
      (i) => {
        i.creations[0].refunded = true;
      },
    ],
    [
      "delivered-without-object",
      (i) => {
        i.objects = [];
      },
    ],
    [
      "object-without-creation",
      (i) => {
        i.objects.push("videos/u1/ghost.mp4");
      },
    ],
    [
      "object-of-undelivered-creation",
      (i) => {
        i.creations[1].mediaPath = "videos/u1/c2.mp4";
        i.objects.push("videos/u1/c2.mp4");
      },
    ],
  ];
  for (const [kind, plant] of planted) {
    it(`reports a planted ${kind}`, () => {
      const input = healthy();
      plant(input);
      expect(auditLedger(input).map((p) => p.kind)).to.include(kind);
    });
  }
});
