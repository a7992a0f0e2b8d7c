/** Shape validation for firestore.indexes.json (the Firebase CLI format). */

export type Order = "ASCENDING" | "DESCENDING";

export interface IndexField {
  fieldPath: string;
  order?: Order;
  arrayConfig?: "CONTAINS";
}

export interface CompositeIndex {
  collectionGroup: string;
  queryScope: "COLLECTION" | "COLLECTION_GROUP";
  fields: IndexField[];
}

export interface FieldOverride {
  collectionGroup: string;
  fieldPath: string;
  indexes: unknown[];
}

export interface IndexesFile {
  indexes: CompositeIndex[];
  fieldOverrides: FieldOverride[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Returns the problems found; an empty list means the file has the expected shape. */
export function validateIndexesShape(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(doc)) return ["top level must be an object"];
  const unknownKeys = Object.keys(doc).filter((k) => k !== "indexes" && k !== "fieldOverrides");
  if (unknownKeys.length) problems.push(`unknown top-level keys: ${unknownKeys.join(", ")}`);
  if (!Array.isArray(doc.indexes)) return [...problems, "indexes must be an array"];

  doc.indexes.forEach((index: unknown, i: number) => {
    const at = `indexes[${i}]`;
    if (!isRecord(index)) return problems.push(`${at} must be an object`);
    if (typeof index.collectionGroup !== "string" || !index.collectionGroup)
      problems.push(`${at}.collectionGroup missing`);
    if (index.queryScope !== "COLLECTION" && index.queryScope !== "COLLECTION_GROUP") {
      problems.push(`${at}.queryScope must be COLLECTION or COLLECTION_GROUP`);
    }
    if (!Array.isArray(index.fields) || index.fields.length < 2) {
      return problems.push(
        `${at}.fields must list at least two fields (one-field indexes are automatic)`,
      );
    }
    index.fields.forEach((field: unknown, j: number) => {
      const fat = `${at}.fields[${j}]`;
      if (!isRecord(field) || typeof field.fieldPath !== "string" || !field.fieldPath) {
        return problems.push(`${fat}.fieldPath missing`);
      }
      const hasOrder = field.order === "ASCENDING" || field.order === "DESCENDING";
      const hasArray = field.arrayConfig === "CONTAINS";
      if (hasOrder === hasArray)
        problems.push(
          `${fat} needs exactly one of order (ASCENDING|DESCENDING) or arrayConfig CONTAINS`,
        );
      return undefined;
    });
    return undefined;
  });

  if (doc.fieldOverrides !== undefined) {
    if (!Array.isArray(doc.fieldOverrides)) problems.push("fieldOverrides must be an array");
    else {
      doc.fieldOverrides.forEach((o: unknown, i: number) => {
        const at = `fieldOverrides[${i}]`;
        if (
          !isRecord(o) ||
          typeof o.collectionGroup !== "string" ||
          typeof o.fieldPath !== "string"
        ) {
          problems.push(`${at} needs collectionGroup and fieldPath`);
        } else if (!Array.isArray(o.indexes)) {
          problems.push(`${at}.indexes must be an array`);
        }
      });
    }
  }
  return problems;
}

/** Canonical text of an index, e.g. "creations(COLLECTION): status ASC, createdAt DESC". */
export function describeIndex(index: CompositeIndex): string {
  const fields = index.fields
    .map(
      (f) =>
        `${f.fieldPath} ${f.order === "DESCENDING" ? "DESC" : f.order === "ASCENDING" ? "ASC" : "CONTAINS"}`,
    )
    .join(", ");
  return `${index.collectionGroup}(${index.queryScope}): ${fields}`;
}
