import { expect } from "chai";
import { HttpsError } from "firebase-functions/v2/https";
import { generateVideoInput } from "../../src/contract";
import { parseInput } from "../../src/handlers/callable";

describe("callable input parsing", () => {
  const fieldsOf = (data: unknown) => {
    try {
      parseInput(generateVideoInput, data);
    } catch (err) {
      expect(err).to.be.instanceOf(HttpsError);
      expect((err as HttpsError).code).to.equal("invalid-argument");
      return ((err as HttpsError).details as { fields: string[] }).fields;
    }
    return [];
  };

  it("ignores fields that only a smuggled prototype carries", () => {
    // What the callable SDK's decoder makes of {"__proto__": {"prompt": "smuggled", "duration": 4}}.
    const decoded: Record<string, unknown> = {};
    Object.setPrototypeOf(decoded, { prompt: "smuggled", duration: 4 });
    expect(fieldsOf(decoded)).to.deep.equal(["__proto__"]);
    // The same through JSON.parse, where __proto__ stays an own key: an unknown field.
    expect(fieldsOf(JSON.parse('{"__proto__":{"prompt":"smuggled"}}'))).to.include("__proto__");
  });

  it("accepts plain and null-prototype objects", () => {
    expect(parseInput(generateVideoInput, { prompt: "ok" }).prompt).to.equal("ok");
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { prompt: "ok" });
    expect(parseInput(generateVideoInput, bare).prompt).to.equal("ok");
  });
});
