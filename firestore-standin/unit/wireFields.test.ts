import { RunQueryRequest } from "@firestore-emulator/proto/dist/google/firestore/v1/firestore";
import { expect } from "chai";

import { topLevelFields } from "../src/wireFields";

describe("wire fields", () => {
  it("finds the top-level field numbers of an encoded message, including ones the class drops", () => {
    const known = RunQueryRequest.fromObject({
      parent: "projects/p/databases/d/documents",
      structured_query: { from: [{ collection_id: "c" }], limit: { value: 3 } },
    }).serializeBinary();
    // Field 10 (explain_options), length-delimited, holding { analyze: true }.
    const withExplain = Buffer.concat([Buffer.from(known), Buffer.from([0x52, 0x02, 0x08, 0x01])]);
    expect([...topLevelFields(known)].sort()).to.deep.equal([1, 2]);
    expect(topLevelFields(withExplain).has(10)).to.equal(true);
    expect(RunQueryRequest.deserializeBinary(withExplain).parent).to.equal(
      "projects/p/databases/d/documents",
    );
  });
});
