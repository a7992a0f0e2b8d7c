import { expect } from "chai";

import { executionStats, planSummary } from "../src/query/explain";
import { desc, int, query, where } from "./fixtures";

describe("explain", () => {
  it("names the index the normalized order needs", () => {
    const q = query("c", { where: where("n", ">", int(1)), orderBy: [desc("m")] });
    expect(planSummary(q).indexes_used).to.deep.equal([
      {
        fields: {
          query_scope: { string_value: "Collection" },
          properties: { string_value: "(m DESC, n DESC, __name__ DESC)" },
        },
      },
    ]);
  });

  it("reports at least one read and a non-zero duration, as Firestore bills", () => {
    const stats = executionStats({ resultsReturned: 0, documentsScanned: 3, durationNanos: 0 });
    expect(stats.read_operations).to.equal(1);
    expect(stats.execution_duration).to.deep.equal({ seconds: 0, nanos: 1 });
    expect(stats.debug_stats.fields["documents_scanned"]).to.deep.equal({ string_value: "3" });
  });
});
