import { expect } from "chai";
import { FILTER_CATEGORIES } from "../../src/contract";
import { policyFailure } from "../../src/domain/failure";
import {
  categoriesOf,
  categoryOfCodes,
  filterMessage,
  supportCodeOf,
  supportCodesIn,
} from "../../src/domain/filter-reasons";

const REASON = (code: string) =>
  `Veo could not generate videos because the output violates Vertex AI's usage guidelines. Support codes: ${code}`;

describe("filtered results explained (Veo support codes)", () => {
  it("reads the support codes out of Veo's reason texts", () => {
    expect(supportCodesIn([REASON("15236754"), "Support codes: 58061214, 64151117"])).to.deep.equal(
      ["15236754", "58061214", "64151117"],
    );
    expect(supportCodesIn(["no code here"])).to.deep.equal([]);
  });

  it("maps Google's documented codes to our categories", () => {
    const cases: Array<[string, string]> = [
      ["58061214", "minors"],
      ["17301594", "minors"],
      ["29310472", "real-people"],
      ["39322892", "real-people"],
      ["90789179", "sexual"],
      ["61493863", "violence"],
      ["62263041", "violence"],
      ["57734940", "hate"],
      ["32635315", "hate"],
      ["35561574", "third-party"],
      ["64151117", "safety"],
      ["89371032", "safety"],
    ];
    for (const [code, category] of cases) expect(categoryOfCodes([code]), code).to.equal(category);
  });

  it("calls anything else unknown, and never puts a code in a user message", () => {
    expect(categoryOfCodes(["12345678"])).to.equal("unknown");
    expect(categoryOfCodes([])).to.equal("unknown");
    expect(categoryOfCodes(["toString"])).to.equal("unknown");
    for (const category of FILTER_CATEGORIES) {
      expect(filterMessage(category), category).to.be.a("string").and.not.match(/\d{8}/);
    }
  });

  it("gives each filtered video its own category, unknown where the model gave no reason", () => {
    expect(categoriesOf([REASON("61493863"), "no code"], 3)).to.deep.equal([
      "violence",
      "unknown",
      "unknown",
    ]);
  });

  it("explains a fully filtered failure from supportCodes or from the reasons", () => {
    expect(policyFailure({ supportCodes: ["58061214"] })).to.deep.equal({
      category: "minors",
      message:
        "Videos showing children can't be generated. Your tokens were refunded; try rewording the prompt.",
    });
    expect(policyFailure({ raiMediaFilteredReasons: [REASON("90789179")] }).category).to.equal(
      "sexual",
    );
    const unknown = policyFailure({ supportCodes: ["00000000"] });
    expect(unknown.category).to.equal("unknown");
    expect(unknown.message).not.to.include("00000000");
  });

  it("has a documented code for every category but unknown (the local model's directives use it)", () => {
    for (const category of FILTER_CATEGORIES) {
      const code = supportCodeOf(category);
      if (category === "unknown") expect(code).to.equal(undefined);
      else expect(categoryOfCodes([code!]), category).to.equal(category);
    }
  });
});
