// Filter evaluation with Firestore's rules: a filter never matches a missing field; range
// filters only compare values of the same type order; `!=`/`not-in` exclude null; NaN equals
// nothing except through `isNaN`.
import { fieldValue } from "./fields";
import type { Doc, FieldOp, Filter, FieldRef } from "./types";
import { compareValues, isNaNValue, typeOrder, valuesEqual, type Val } from "./values";

const isNull = (v: Val): boolean => v.null_value !== undefined;
const elements = (v: Val): Val[] => v.array_value?.values ?? [];
const containsValue = (list: Val[], v: Val): boolean => list.some((x) => valuesEqual(x, v));

function matchesField(value: Val, op: FieldOp, operand: Val): boolean {
  switch (op) {
    case "==":
      return valuesEqual(value, operand);
    case "!=":
      return !isNull(value) && !valuesEqual(value, operand);
    case "<":
    case "<=":
    case ">":
    case ">=": {
      if (typeOrder(value) !== typeOrder(operand)) return false;
      // NaN takes part in ordering but not in range comparisons.
      if (isNaNValue(value) || isNaNValue(operand)) return false;
      const c = compareValues(value, operand);
      return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
    }
    case "array-contains":
      return value.array_value !== undefined && containsValue(elements(value), operand);
    case "array-contains-any":
      return (
        value.array_value !== undefined &&
        elements(operand).some((x) => containsValue(elements(value), x))
      );
    case "in":
      return containsValue(elements(operand), value);
    case "not-in":
      return (
        !isNull(value) &&
        !elements(operand).some(isNull) &&
        // Here NaN is excluded by NaN, as the server does.
        !elements(operand).some(
          (x) => valuesEqual(x, value) || (isNaNValue(x) && isNaNValue(value)),
        )
      );
  }
}

export function matches(doc: Doc, filter: Filter): boolean {
  switch (filter.kind) {
    case "composite":
      return filter.op === "and"
        ? filter.filters.every((f) => matches(doc, f))
        : filter.filters.some((f) => matches(doc, f));
    case "unary": {
      const value = fieldValue(doc, filter.field);
      if (value === undefined) return false;
      switch (filter.op) {
        case "is-null":
          return isNull(value);
        case "is-not-null":
          return !isNull(value);
        case "is-nan":
          return isNaNValue(value);
        case "is-not-nan":
          return !isNull(value) && !isNaNValue(value);
      }
    }
    // falls through (unreachable: every unary op returns)
    case "field": {
      const value = fieldValue(doc, filter.field);
      return value !== undefined && matchesField(value, filter.op, filter.value);
    }
  }
}

const INEQUALITIES = new Set(["<", "<=", ">", ">=", "!=", "not-in", "is-not-nan", "is-not-null"]);

/** Fields under an inequality (range, `!=`, `not-in`, `is-not-*`) anywhere in the filter. */
export function inequalityFields(filter: Filter | undefined): FieldRef[] {
  if (!filter) return [];
  if (filter.kind === "composite") return filter.filters.flatMap(inequalityFields);
  return INEQUALITIES.has(filter.op) ? [filter.field] : [];
}
