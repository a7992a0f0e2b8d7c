import { expect } from "chai";
import { REWRITTEN_PROMPT_WORD_LIMIT, rewritePrompt } from "../../src/models/local-prompt-rewriter";
import { hasTestDirectives, parseTestDirectives } from "../../src/models/test-directives";

describe("test directives (local model)", () => {
  it("finds nothing in an ordinary prompt and leaves the text alone", () => {
    const parsed = parseTestDirectives("A red fox at dawn");
    expect(parsed.text).to.equal("A red fox at dawn");
    expect(parsed.directives).to.deep.equal({
      policy: false,
      transientAttempts: 0,
      permanent: false,
      deadOperations: 0,
      filteredVideos: 0,
    });
    expect(hasTestDirectives("A red fox at dawn")).to.equal(false);
  });

  it("parses [[policy]] and strips it from the text", () => {
    const parsed = parseTestDirectives("[[policy]] a forbidden scene");
    expect(parsed.directives.policy).to.equal(true);
    expect(parsed.text).to.equal("a forbidden scene");
  });

  it("parses [[transient:N]], [[permanent]], [[slow:MS]], [[dead:N]] and [[filtered:N]]", () => {
    expect(parseTestDirectives("x [[dead:2]]").directives.deadOperations).to.equal(2);
    expect(parseTestDirectives("x [[transient:2]]").directives.transientAttempts).to.equal(2);
    expect(parseTestDirectives("x [[permanent]]").directives.permanent).to.equal(true);
    expect(parseTestDirectives("x [[slow:60000]]").directives.slowMs).to.equal(60000);
    expect(parseTestDirectives("x").directives.slowMs).to.equal(undefined);
    expect(parseTestDirectives("x [[filtered:2]]").directives.filteredVideos).to.equal(2);
    expect(parseTestDirectives("x [[filtered:2]]").text).to.equal("x");
    const named = parseTestDirectives("x [[policy:violence]]").directives;
    expect([named.policy, named.filterCategory]).to.deep.equal([true, "violence"]);
    const partial = parseTestDirectives("x [[filtered:1:minors]]").directives;
    expect([partial.filteredVideos, partial.filterCategory, partial.policy]).to.deep.equal([
      1,
      "minors",
      false,
    ]);
  });

  it("combines several directives anywhere in the prompt, case and spaces tolerated", () => {
    const parsed = parseTestDirectives(
      "a cat [[ TRANSIENT : 3 ]] on a [[slow:500]] mat [[Policy]]",
    );
    expect(parsed.directives).to.deep.equal({
      policy: true,
      transientAttempts: 3,
      permanent: false,
      slowMs: 500,
      deadOperations: 0,
      filteredVideos: 0,
    });
    expect(parsed.text).to.equal("a cat on a mat");
  });

  it("leaves unknown or malformed markers in the text", () => {
    const prompt = "keep [[unknown]] and [[transient:x]] and [policy]";
    const parsed = parseTestDirectives(prompt);
    expect(parsed.text).to.equal(prompt);
    expect(parsed.directives.policy).to.equal(false);
    expect(parsed.directives.transientAttempts).to.equal(0);
    expect(hasTestDirectives(prompt)).to.equal(false);
  });

  it("keeps line breaks but drops blank lines left by directives", () => {
    const parsed = parseTestDirectives("first line\n[[slow:10]]\n\nsecond  line");
    expect(parsed.text).to.equal("first line\n\nsecond line");
  });

  it("yields empty text for a prompt made only of directives", () => {
    expect(parseTestDirectives("[[policy]] [[slow:1]]").text).to.equal("");
  });

  it("hasTestDirectives is repeatable (no regex state leaks between calls)", () => {
    expect(hasTestDirectives("a [[policy]]")).to.equal(true);
    expect(hasTestDirectives("a [[policy]]")).to.equal(true);
  });
});

describe("the local model's prompt rewriter (enhancePrompt)", () => {
  it("rewrites a short prompt deterministically, keeping the user's words first", () => {
    const rewritten = rewritePrompt("A paper boat on a rainy street.");
    expect(rewritten).to.equal(
      "A paper boat on a rainy street. Cinematic shot, soft natural light, a slow camera push-in.",
    );
    expect(rewritePrompt("A paper boat on a rainy street.")).to.equal(rewritten);
  });

  it("hands nothing back for prompts of 30 words or more, as Veo does", () => {
    const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
    expect(rewritePrompt(words(REWRITTEN_PROMPT_WORD_LIMIT - 1))).to.be.a("string");
    expect(rewritePrompt(words(REWRITTEN_PROMPT_WORD_LIMIT))).to.equal(undefined);
    expect(rewritePrompt("   ")).to.equal(undefined);
  });
});
