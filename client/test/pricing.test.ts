import { expect } from "chai";
import { previewCost } from "../pricing";
import { priceOf } from "../../functions/src/domain/pricing";

describe("client cost preview: the functions' own price table", function () {
  it("fills in the contract's defaults (fast, 8 s, 720p, no audio: 10 tokens)", function () {
    expect(previewCost({})).to.deep.equal({ cost: 10, tokensPerSecond: 1.25 });
  });

  it("prices each tier as the functions charge it", function () {
    for (const model of ["standard", "fast", "lite"] as const) {
      const input = { model, duration: 6, resolution: "1080p", generateAudio: true } as const;
      expect(previewCost(input)?.cost, model).to.equal(priceOf(input));
    }
    expect(previewCost({ model: "standard", generateAudio: true })?.cost).to.equal(40);
    expect(previewCost({ model: "lite" })?.cost).to.equal(5);
  });

  it("has no price for input the contract refuses", function () {
    expect(previewCost({ model: "ultra" as "fast" })).to.equal(undefined);
    expect(previewCost({ duration: 5 as 8 })).to.equal(undefined);
  });
});
