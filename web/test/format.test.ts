import { expect } from "chai";
import {
  dateTimeText,
  etaText,
  ledgerTypeText,
  millisOf,
  percent,
  queueText,
  signedAmount,
  statusText,
} from "../src/format";

describe("web: formatting what the listeners deliver", () => {
  it("turns progress 0..1 into a clamped whole percent", () => {
    expect([percent(0), percent(0.664), percent(1), percent(1.5), percent(-1)]).to.deep.equal([
      0, 66, 100, 100, 0,
    ]);
    expect([percent(undefined), percent(null), percent(Number.NaN)]).to.deep.equal([0, 0, 0]);
  });

  it("says how long the wait is, coarsely", () => {
    const now = 1_000_000;
    expect(etaText(now + 3_000, now)).to.equal("any moment now");
    expect(etaText(now + 42_000, now)).to.equal("in about 50 s");
    expect(etaText(now + 150_000, now)).to.equal("in about 3 min");
    expect(etaText(now + 2 * 3_600_000, now)).to.equal("in about 2 h");
  });

  it("shows queue position and ETA only when the creation carries them", () => {
    const now = 0;
    expect(queueText(undefined, undefined, now)).to.equal(undefined);
    expect(queueText(1, undefined, now)).to.equal("next in line");
    expect(queueText(3, 120_000, now)).to.equal("number 3 in line · ready in about 2 min");
    expect(queueText(null, 20_000, now)).to.equal("ready in about 20 s");
  });

  it("names statuses and ledger entries for people", () => {
    expect(statusText("pending")).to.equal("Waiting to start");
    expect(statusText("draft")).to.match(/only you/);
    expect([
      ledgerTypeText("refund"),
      ledgerTypeText("grant"),
      ledgerTypeText("other"),
    ]).to.deep.equal(["Refund", "Tokens granted", "other"]);
    expect([signedAmount(5), signedAmount(-5), signedAmount(0)]).to.deep.equal(["+5", "-5", "0"]);
  });

  it("reads Timestamp-like values and leaves pending server timestamps undefined", () => {
    expect(millisOf({ toMillis: () => 42 })).to.equal(42);
    expect([millisOf(null), millisOf(undefined), millisOf({})]).to.deep.equal([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("web: ledger times", () => {
  it("shows the time alone for today, and the day for older entries", () => {
    const now = new Date(2026, 11, 2, 15, 0, 0).getTime();
    const today = dateTimeText(new Date(2026, 11, 2, 9, 5, 7).getTime(), now);
    const older = dateTimeText(new Date(2026, 10, 30, 9, 5, 7).getTime(), now);
    expect(today).to.match(/05:07/);
    expect(today).not.to.match(/30|Nov/);
    expect(older).to.match(/30/);
    expect(dateTimeText(undefined, now)).to.equal("just now");
  });
});
