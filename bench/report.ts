// Turns the measured figures into the table's rows, each next to its baseline and goal.
import type { ColdStartResult } from "./measure/cold-start";
import type { StreamingResult } from "./measure/streaming-memory";
import type { LatencyLevel } from "./measure/submission";
import type { ThroughputRun } from "./measure/throughput";
import type { WorkerCostResult } from "./measure/worker-cost";
import { formatPercent, formatRatio, formatSpread, ratio } from "./lib/stats";
import { met, type Row } from "./lib/table";

export interface Figures {
  submission?: LatencyLevel[];
  /** Figure 1 again with the functions' Admin Firestore client on REST (preferRest). */
  submissionRest?: LatencyLevel[];
  coldStart?: ColdStartResult;
  workerCost?: WorkerCostResult;
  streaming?: StreamingResult;
  throughput?: {
    production: ThroughputRun;
    local: ThroughputRun;
    productionConcurrency: number;
    localConcurrency: number;
  };
  /** Figures whose measurement threw: the table still shows them, with the reason. */
  failures?: Array<{ figure: string; error: string }>;
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "n/a");

function submissionRows(levels: LatencyLevel[]): Row[] {
  return levels.flatMap((l) => {
    const g = l.generateVideo;
    const h = l.healthCheck;
    const r99 = ratio(g.p99, h.p99);
    return [
      {
        figure: `1. generateVideo p50 / p95 ms, c=${l.concurrency}`,
        measured: `${f0(g.p50.median)} / ${f0(g.p95.median)}`,
        baseline: `${f0(h.p50.median)} / ${f0(h.p95.median)} (no-op)`,
        ratio: `${formatRatio(ratio(g.p50, h.p50))} / ${formatRatio(ratio(g.p95, h.p95))}`,
        goal: "",
        met: met(undefined),
      },
      {
        figure: `1. generateVideo p99 ms, c=${l.concurrency} (${l.samplesPerRun} calls/run)`,
        measured: `${formatSpread(g.p99)}, ${formatPercent(l.errorRate.generateVideo)} errors`,
        baseline: `${formatSpread(h.p99)} (no-op), ${formatPercent(l.errorRate.healthCheck)} errors`,
        ratio: formatRatio(r99),
        goal: "≤ 3× no-op, no errors",
        met: met(r99 <= 3 && l.errorRate.generateVideo === 0),
      },
      ...floorRows(l),
    ];
  });
}

/** What any admission must do at least: enqueue one task, and commit one transaction. */
function floorRows(l: LatencyLevel): Row[] {
  const rows: Row[] = [];
  const e = l.enqueueOnly;
  if (e)
    rows.push({
      figure: `1. … floor: a callable that only enqueues, p50 / p99 ms, c=${l.concurrency}`,
      measured: `${f0(e.p50.median)} / ${f0(e.p99.median)}`,
      baseline: `${f0(l.healthCheck.p50.median)} / ${f0(l.healthCheck.p99.median)} (no-op)`,
      ratio: `${formatRatio(ratio(e.p50, l.healthCheck.p50))} / ${formatRatio(ratio(e.p99, l.healthCheck.p99))}`,
      goal: "",
      met: met(undefined),
    });
  const p = l.phases;
  if (p?.samples)
    rows.push({
      figure: `1. … generateVideo in the handler: transaction / enqueue p50 (p99) ms, c=${l.concurrency}`,
      measured: `${f0(p.storeMs.p50)} (${f0(p.storeMs.p99)}) / ${f0(p.enqueueMs.p50)} (${f0(p.enqueueMs.p99)})`,
      baseline: `${p.samples} calls, from the log`,
      ratio: "",
      goal: "",
      met: met(undefined),
    });
  return rows;
}

/** generateVideo's latency with the Admin Firestore client on REST next to gRPC. */
function transportRows(grpc: LatencyLevel[], rest: LatencyLevel[]): Row[] {
  return rest.flatMap((r) => {
    const g = grpc.find((l) => l.concurrency === r.concurrency);
    if (!g) return [];
    const p = (l: LatencyLevel) =>
      `${f0(l.generateVideo.p50.median)} / ${f0(l.generateVideo.p95.median)} / ${f0(l.generateVideo.p99.median)}`;
    return [
      {
        figure: `1. generateVideo p50 / p95 / p99 ms, c=${r.concurrency}, Firestore REST`,
        measured: p(r),
        baseline: `${p(g)} (gRPC)`,
        ratio: `${formatRatio(ratio(r.generateVideo.p50, g.generateVideo.p50))} / ${formatRatio(ratio(r.generateVideo.p99, g.generateVideo.p99))}`,
        goal: "",
        met: met(undefined),
      },
    ];
  });
}

function coldStartRows(c: ColdStartResult): Row[] {
  const r = ratio(c.lazy.total, c.eager.total);
  return [
    {
      figure: "2. cold start: load + first generateVideo, ms",
      measured: formatSpread(c.lazy.total),
      baseline: `${formatSpread(c.eager.total)} (eager)`,
      ratio: formatPercent(r),
      goal: "≤ 25 % of eager",
      met: met(r <= 0.25),
    },
    {
      figure: "2. … of which entry-point load / first call, ms",
      measured: `${f0(c.lazy.load.median)} / ${f0(c.lazy.firstCall.median)}`,
      baseline: `${f0(c.eager.load.median)} / ${f0(c.eager.firstCall.median)}`,
      ratio: formatPercent(ratio(c.lazy.load, c.eager.load)),
      goal: "",
      met: met(undefined),
    },
    {
      figure: "2. cold start with Firestore REST: load / first call / total, ms",
      measured: `${f0(c.lazyRest.load.median)} / ${f0(c.lazyRest.firstCall.median)} / ${formatSpread(c.lazyRest.total)}`,
      baseline: `${f0(c.lazy.load.median)} / ${f0(c.lazy.firstCall.median)} / ${formatSpread(c.lazy.total)} (gRPC)`,
      ratio: formatRatio(ratio(c.lazyRest.total, c.lazy.total)),
      goal: "",
      met: met(undefined),
    },
    {
      figure: "2. … floor: callable + Firestore SDKs + one read, ms",
      measured: formatSpread(c.floor.total),
      baseline: `${formatSpread(c.eager.total)} (eager)`,
      ratio: formatPercent(ratio(c.floor.total, c.eager.total)),
      goal: "",
      met: met(undefined),
    },
    {
      figure: "2. modules loaded (require.cache)",
      measured: `${c.lazy.modules}, worker SDKs: ${c.heavyLoaded.join(" ") || "none"}`,
      baseline: `${c.eager.modules}`,
      ratio: formatPercent(c.lazy.modules / c.eager.modules),
      goal: "no worker SDK",
      met: met(c.heavyLoaded.length === 0),
    },
  ];
}

function workerRows(w: WorkerCostResult): Row[] {
  const share = w.stepped.busySeconds.median / w.renderSeconds;
  return [
    {
      figure: `3. worker busy s per video, ${w.renderSeconds} s render (poll ${w.pollIntervalSeconds} s)`,
      measured: `${formatSpread(w.stepped.busySeconds, 2)} in ${f0(w.stepped.deliveries.median)} steps`,
      baseline: `${formatSpread(w.waiting.busySeconds, 1)} (waits)`,
      ratio: `${formatPercent(share)} of render`,
      goal: "≤ 5 % of render",
      met: met(share <= 0.05),
    },
  ];
}

function streamingRows(s: StreamingResult): Row[] {
  return [
    {
      figure: `4. peak RSS growth, ${s.sizeMiB} MiB upload, MiB`,
      measured: `${formatSpread(s.stream.growthMiB)} in ${formatSpread(s.stream.seconds, 1)} s`,
      baseline: `${formatSpread(s.buffer.growthMiB)} (whole file)`,
      ratio: formatRatio(ratio(s.stream.growthMiB, s.buffer.growthMiB)),
      goal: "≤ 64 MiB",
      met: met(s.stream.growthMiB.max <= 64),
    },
  ];
}

function throughputRows(t: NonNullable<Figures["throughput"]>): Row[] {
  const p = t.production;
  const l = t.local;
  const stages = (r: ThroughputRun) =>
    [r.stages.queue, r.stages.claim, r.stages.render, r.stages.transfer, r.stages.finish]
      .map(f0)
      .join(" / ");
  const failed = (r: ThroughputRun) =>
    r.failed ? `, ${r.failed} failed (${formatPercent(r.failed / r.jobs)})` : "";
  return [
    {
      figure: `5. throughput, ${p.jobs} zero-latency jobs, videos/min`,
      measured: `${f0(p.videosPerMinute)} (start ${t.productionConcurrency} at once${failed(p)})`,
      baseline: `${f0(l.videosPerMinute)} (local: ${t.localConcurrency}${failed(l)})`,
      ratio: formatRatio(p.videosPerMinute / l.videosPerMinute),
      goal: "",
      met: met(undefined),
    },
    {
      figure: "5. overhead per job (submission → draft) p50 / p95, ms",
      measured: `${f0(p.overheadMs.p50)} / ${f0(p.overheadMs.p95)}`,
      baseline: `${f0(l.overheadMs.p50)} / ${f0(l.overheadMs.p95)}`,
      ratio: formatRatio(p.overheadMs.p50 / l.overheadMs.p50),
      goal: "",
      met: met(undefined),
    },
    {
      figure: "5. stages, median ms: queue / claim+start / render / transfer / finish",
      measured: stages(p),
      baseline: stages(l),
      ratio: "",
      goal: "",
      met: met(undefined),
    },
  ];
}

function failureRows(failures: NonNullable<Figures["failures"]>): Row[] {
  return failures.map(({ figure, error }) => ({
    figure,
    measured: `not measured: ${error}`,
    baseline: "",
    ratio: "",
    goal: "",
    met: "no",
  }));
}

export function rows(f: Figures): Row[] {
  return [
    ...(f.submission ? submissionRows(f.submission) : []),
    ...(f.submission && f.submissionRest ? transportRows(f.submission, f.submissionRest) : []),
    ...(f.coldStart ? coldStartRows(f.coldStart) : []),
    ...(f.workerCost ? workerRows(f.workerCost) : []),
    ...(f.streaming ? streamingRows(f.streaming) : []),
    ...(f.throughput ? throughputRows(f.throughput) : []),
    ...(f.failures ? failureRows(f.failures) : []),
  ];
}
