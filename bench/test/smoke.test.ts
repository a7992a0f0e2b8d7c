// Smoke run of the bench harness for `npm test` (no services, no timing assertions): the
// statistics and the table, and one real child measurement, the module census of the
// built entry point, which also guards the lazy loading the cold-start figure depends on.
import { expect } from "chai";
import { existsSync } from "node:fs";
import path from "node:path";
import { coldStartChild } from "../measure/cold-start";
import { FUNCTIONS_LIB } from "../lib/paths";
import { errorRate, runClients } from "../lib/load";
import { formatSpread, median, percentile, ratio, spread } from "../lib/stats";
import { renderTable } from "../lib/table";
import { rows } from "../report";

describe("bench harness (smoke)", () => {
  it("computes nearest-rank percentiles, medians and spreads", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(percentile(samples, 50)).to.equal(50);
    expect(percentile(samples, 95)).to.equal(95);
    expect(percentile(samples, 99)).to.equal(99);
    expect(percentile(samples, 100)).to.equal(100);
    expect(percentile([7], 99)).to.equal(7);
    expect(percentile([], 50)).to.be.NaN;
    expect(median([3, 1, 2])).to.equal(2);
    const s = spread([12, 10, Number.NaN, 11]);
    expect(s).to.deep.equal({ median: 11, min: 10, max: 12, runs: 3 });
    expect(formatSpread(s)).to.equal("11 (10–12)");
    expect(ratio(s, spread([22]))).to.equal(0.5);
  });

  it("renders one Markdown table with every figure next to its baseline", () => {
    const one = spread([1]);
    const table = renderTable(
      rows({
        streaming: {
          sizeMiB: 4,
          stream: { growthMiB: spread([12, 10, 11]), seconds: one },
          buffer: { growthMiB: spread([40]), seconds: one },
        },
      }),
    );
    const lines = table.split("\n");
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(
      /^\| figure +\| measured +\| baseline +\| ratio +\| goal +\| met +\|$/,
    );
    expect(lines[2]).to.include("11 (10–12)").and.include("40 (whole file)").and.include("yes");
    expect(new Set(lines.map((l) => l.length)).size).to.equal(1);
  });

  it("counts failed and timed-out calls instead of throwing", async () => {
    const result = await runClients(
      3,
      4,
      () => ({ calls: 0 }),
      async (client, i) => {
        client.calls++;
        if (i === 1) throw new Error("TimeoutError: the call took too long");
      },
    );
    expect(result.calls).to.equal(12);
    expect(result.errors).to.equal(3);
    expect(result.latencies).to.have.length(9);
    expect(result.firstError).to.equal("Error: TimeoutError: the call took too long");
    expect(errorRate([result, { latencies: [], calls: 4, errors: 1 }])).to.equal(0.25);
    expect(errorRate([])).to.be.NaN;
  });

  it("shows the error rate next to the latency and a figure that failed as a row", () => {
    const s = spread([10]);
    const percentiles = { p50: s, p95: s, p99: s };
    const table = renderTable(
      rows({
        submission: [
          {
            concurrency: 16,
            samplesPerRun: 48,
            generateVideo: percentiles,
            healthCheck: percentiles,
            errorRate: { generateVideo: 1 / 48, healthCheck: 0 },
          },
        ],
        failures: [{ figure: "5. throughput", error: "Error: stack stopped" }],
      }),
    );
    const lines = table.split("\n");
    const p99 = lines.find((l) => l.includes("p99"));
    expect(p99)
      .to.include("10, 2.1 % errors")
      .and.include("0.0 % errors")
      .and.match(/\| no +\|$/);
    expect(lines.at(-1))
      .to.include("5. throughput")
      .and.include("not measured: Error: stack stopped");
  });

  it("measures the entry point's module census in a fresh process", async function () {
    this.timeout(30_000);
    if (!existsSync(path.join(FUNCTIONS_LIB, "index.js"))) this.skip(); // npm test builds first
    const census = await coldStartChild("census", "none");
    expect(census.moduleCount).to.be.greaterThan(0);
    expect(census.packages).to.include("firebase-functions");
    expect(census.heavyLoaded, "worker SDKs loaded by index.js").to.deep.equal([]);
  });
});
