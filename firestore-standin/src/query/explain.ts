// Query explain: a plan summary naming the index the query's normalized order needs, and,
// when the query was run (analyze), its execution statistics.
import { normalizedOrder, runQuery } from "./engine";
import type { Doc, Query } from "./types";

type StructObject = { fields: Record<string, { string_value: string }> };

const struct = (entries: Record<string, string>): StructObject => ({
  fields: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { string_value: v }])),
});

/** The index Firestore would use: the fields the query orders by, in order. */
export function planSummary(q: Query): { indexes_used: StructObject[] } {
  const properties = normalizedOrder(q)
    .map((o) => `${o.field.path} ${o.descending ? "DESC" : "ASC"}`)
    .join(", ");
  return {
    indexes_used: [
      struct({
        query_scope: q.allDescendants ? "Collection group" : "Collection",
        properties: `(${properties})`,
      }),
    ],
  };
}

export interface ExecutionFigures {
  resultsReturned: number;
  documentsScanned: number;
  durationNanos: number;
}

export function executionStats(f: ExecutionFigures): {
  results_returned: number;
  read_operations: number;
  execution_duration: { seconds: number; nanos: number };
  debug_stats: StructObject;
} {
  // Like Firestore's billing: at least one read, even for an empty result.
  const nanos = Math.max(1, Math.round(f.durationNanos));
  return {
    results_returned: f.resultsReturned,
    read_operations: Math.max(1, f.resultsReturned),
    execution_duration: { seconds: Math.floor(nanos / 1e9), nanos: nanos % 1e9 },
    debug_stats: struct({
      documents_scanned: String(f.documentsScanned),
      index_entries_scanned: String(f.documentsScanned),
    }),
  };
}

/**
 * Runs a query, measuring it when explain is asked: a plan alone runs nothing; analyze adds
 * the execution figures to the result.
 */
export function runExplained(
  docs: Iterable<Doc>,
  query: Query,
  explain: { analyze: boolean } | undefined,
  /** An aggregation returns one row, whatever it read. */
  rows: "documents" | "aggregate",
): {
  docs: Doc[];
  metrics?: { plan_summary: object; execution_stats?: object };
  planOnly: boolean;
} {
  if (!explain) return { docs: runQuery(docs, query), planOnly: false };
  const plan_summary = planSummary(query);
  if (!explain.analyze) return { docs: [], metrics: { plan_summary }, planOnly: true };
  const started = process.hrtime.bigint();
  const all = [...docs];
  const result = runQuery(all, query);
  const execution_stats = executionStats({
    resultsReturned: rows === "aggregate" ? 1 : result.length,
    documentsScanned: all.length,
    durationNanos: Number(process.hrtime.bigint() - started),
  });
  return { docs: result, metrics: { plan_summary, execution_stats }, planOnly: false };
}
