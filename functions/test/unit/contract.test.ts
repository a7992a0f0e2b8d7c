import { expect } from "chai";
import {
  generateVideoInput,
  grantTokensInput,
  invalidFields,
  MODEL_CHOICES,
} from "../../src/contract";

const valid = { prompt: "a lighthouse at dusk" };

/** [label, input, the field that must be reported] */
const BAD_INPUTS: Array<[string, unknown, string]> = [
  ["missing prompt", {}, "prompt"],
  ["empty prompt", { prompt: "" }, "prompt"],
  ["whitespace prompt", { prompt: " \n\t " }, "prompt"],
  ["oversized prompt", { prompt: "x".repeat(2001) }, "prompt"],
  ["number prompt", { prompt: 42 }, "prompt"],
  ["array prompt", { prompt: ["a"] }, "prompt"],
  ["object prompt", { prompt: { text: "a" } }, "prompt"],
  ["null prompt", { prompt: null }, "prompt"],
  ["lone high surrogate", { prompt: "bad \ud800 text" }, "prompt"],
  ["lone low surrogate", { prompt: "\udc00" }, "prompt"],
  ["control character", { prompt: "bell\u0007" }, "prompt"],
  ["NUL character", { prompt: "a\u0000b" }, "prompt"],
  ["unknown aspect ratio", { ...valid, aspectRatio: "4:3" }, "aspectRatio"],
  ["aspect ratio as number", { ...valid, aspectRatio: 1.77 }, "aspectRatio"],
  ["duration 5", { ...valid, duration: 5 }, "duration"],
  ["duration as string", { ...valid, duration: "8" }, "duration"],
  ["duration 8.0001", { ...valid, duration: 8.0001 }, "duration"],
  ["resolution 4k", { ...valid, resolution: "4k" }, "resolution"],
  ["generateAudio as string", { ...valid, generateAudio: "true" }, "generateAudio"],
  ["negative seed", { ...valid, seed: -1 }, "seed"],
  ["seed above uint32", { ...valid, seed: 2 ** 32 }, "seed"],
  ["fractional seed", { ...valid, seed: 1.5 }, "seed"],
  ["oversized negativePrompt", { ...valid, negativePrompt: "n".repeat(1001) }, "negativePrompt"],
  ["short requestId", { ...valid, requestId: "abc" }, "requestId"],
  ["requestId with spaces", { ...valid, requestId: "has spaces in it" }, "requestId"],
  ["requestId too long", { ...valid, requestId: "r".repeat(129) }, "requestId"],
  ["unknown model tier", { ...valid, model: "veo-3" }, "model"],
  ["model tier in capitals", { ...valid, model: "Fast" }, "model"],
  ["model as number", { ...valid, model: 3 }, "model"],
  ["unknown field", { ...valid, quality: "high" }, "quality"],
  ["sampleCount 0", { ...valid, sampleCount: 0 }, "sampleCount"],
  ["sampleCount 5", { ...valid, sampleCount: 5 }, "sampleCount"],
  ["fractional sampleCount", { ...valid, sampleCount: 1.5 }, "sampleCount"],
  ["sampleCount as string", { ...valid, sampleCount: "2" }, "sampleCount"],
  ["enhancePrompt as string", { ...valid, enhancePrompt: "yes" }, "enhancePrompt"],
  ["enhancePrompt as number", { ...valid, enhancePrompt: 1 }, "enhancePrompt"],
  ["prototype key", JSON.parse('{"prompt":"a","__proto__":{"admin":true}}'), "__proto__"],
  ["array body", ["a"], "(root)"],
  ["string body", "a lighthouse", "(root)"],
  ["null body", null, "(root)"],
];

describe("generateVideo input contract", () => {
  it("applies the defaults and trims the prompt", () => {
    expect(generateVideoInput.parse({ prompt: "  hi  " })).to.deep.equal({
      prompt: "hi",
      aspectRatio: "9:16",
      duration: 8,
      resolution: "720p",
      generateAudio: false,
      model: "fast",
      sampleCount: 1,
    });
  });

  it("accepts every documented option", () => {
    const input = {
      prompt: "p",
      aspectRatio: "16:9",
      duration: 4,
      resolution: "1080p",
      generateAudio: true,
      negativePrompt: "blur",
      seed: 4294967295,
      requestId: "Abc_123-xyz",
      model: "lite",
      sampleCount: 4,
      enhancePrompt: false,
    };
    expect(generateVideoInput.parse(input)).to.deep.equal(input);
    for (const model of MODEL_CHOICES) {
      expect(generateVideoInput.parse({ ...valid, model }).model).to.equal(model);
    }
  });

  it(`rejects ${BAD_INPUTS.length} bad inputs and names the offending field`, () => {
    expect(BAD_INPUTS.length).to.be.at.least(25);
    for (const [label, input, field] of BAD_INPUTS) {
      const result = generateVideoInput.safeParse(input);
      expect(result.success, label).to.equal(false);
      if (!result.success) expect(invalidFields(result.error), label).to.include(field);
    }
  });

  it("grantTokens needs a positive whole amount, a reason and a grantId", () => {
    const grantId = "grant-0001";
    expect(
      grantTokensInput.safeParse({ userId: "u1", amount: 5, reason: "support", grantId }).success,
    ).to.equal(true);
    for (const bad of [
      { userId: "u1", amount: 0, reason: "r", grantId },
      { userId: "u1", amount: 1.5, reason: "r", grantId },
      { userId: "", amount: 1, reason: "r", grantId },
      { userId: "u1", amount: 1, grantId },
      { userId: "u1", amount: 1, reason: "r" },
      { userId: "u1", amount: 1, reason: "r", grantId: "short" },
    ]) {
      expect(grantTokensInput.safeParse(bad).success, JSON.stringify(bad)).to.equal(false);
    }
  });
});
