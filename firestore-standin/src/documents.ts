// Stored documents as v1 Document objects (what responses carry).
import type { Doc } from "./query/types";
import { timestampOf } from "./writes";

export function docObject(doc: Doc): {
  name: string;
  fields: Doc["fields"];
  create_time: { seconds: number; nanos: number };
  update_time: { seconds: number; nanos: number };
} {
  return {
    name: doc.name,
    fields: doc.fields,
    create_time: timestampOf(doc.createTime),
    update_time: timestampOf(doc.updateTime),
  };
}
