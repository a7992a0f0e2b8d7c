// Query explain: a plan summary naming the index the query's normalized order needs, and,
// when the query was run (analyze), its execution statistics.
import { normalizedOrder } from "./engine";
import type { Query } from "./types";

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
