import { expect } from "chai";
import { estimateRenderMs, MIN_RENDER_SAMPLES } from "../../src/domain/render-estimate";

describe("render estimate (estimatedReadyAt)", () => {
  const fallback = 90_000;

  it("is the median of the measured generation times, in milliseconds", () => {
    expect(estimateRenderMs([70, 65.5, 120, 80, 75], fallback)).to.equal(75_000);
    expect(estimateRenderMs([60, 70, 80, 90, 100, 110], fallback)).to.equal(85_000);
  });

  it("is not moved by a few outliers (a restarted generation, a slow transfer)", () => {
    const typical = Array.from({ length: 17 }, (_, i) => 60 + i);
    expect(estimateRenderMs([...typical, 900, 1200, 1500], fallback)).to.equal(69_500);
  });

  it("falls back to the typical render time until enough jobs have finished", () => {
    const few = Array.from({ length: MIN_RENDER_SAMPLES - 1 }, () => 30);
    expect(estimateRenderMs(few, fallback)).to.equal(fallback);
    expect(estimateRenderMs([...few, 30], fallback)).to.equal(30_000);
  });

  it("ignores what is not a measurement (missing, zero, negative, not a number)", () => {
    const junk = [undefined, null, 0, -5, "70", Number.NaN, Number.POSITIVE_INFINITY];
    expect(estimateRenderMs([...junk, 50, 50, 50, 50], fallback)).to.equal(fallback);
    expect(estimateRenderMs([...junk, 50, 50, 50, 50, 50], fallback)).to.equal(50_000);
  });
});
