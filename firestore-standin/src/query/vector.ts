// findNearest by brute force: distance of each document's vector to the query vector.
import { fieldValue, setIn } from "./fields";
import type { Doc, DistanceMeasure, FindNearest } from "./types";
import { isVector, numberOf, vectorComponents } from "./values";

export function distance(measure: DistanceMeasure, a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let sq = 0;
  a.forEach((x, i) => {
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
    sq += (x - y) * (x - y);
  });
  switch (measure) {
    case "euclidean":
      return Math.sqrt(sq);
    case "dot-product":
      return dot;
    case "cosine":
      return 1 - dot / (Math.sqrt(na) * Math.sqrt(nb));
  }
}

/** Documents whose vector has the query's dimension, nearest first, within the threshold. */
export function nearest(docs: Doc[], spec: FindNearest): Doc[] {
  // Dot product is a similarity: larger is nearer.
  const larger = spec.measure === "dot-product";
  const scored: Array<{ doc: Doc; d: number }> = [];
  for (const doc of docs) {
    const value = fieldValue(doc, spec.field);
    if (!value || !isVector(value)) continue;
    const v = vectorComponents(value).map((c) => numberOf(c) ?? Number.NaN);
    if (v.length !== spec.queryVector.length) continue;
    const d = distance(spec.measure, v, spec.queryVector);
    if (Number.isNaN(d)) continue;
    if (spec.distanceThreshold !== undefined) {
      if (larger ? d < spec.distanceThreshold : d > spec.distanceThreshold) continue;
    }
    scored.push({ doc, d });
  }
  scored.sort((x, y) => (larger ? y.d - x.d : x.d - y.d));
  const resultField = spec.distanceResultField;
  return scored
    .slice(0, spec.limit)
    .map(({ doc, d }) =>
      resultField
        ? { ...doc, fields: setIn(doc.fields, resultField.segments, { double_value: d }) }
        : doc,
    );
}
