// One Listen stream: many targets (queries or document names). Each target first gets its full
// result (ADD, documents, CURRENT), then, after every commit, only what changed for it; a
// global NO_CHANGE with the commit's time marks each consistent snapshot.
import {
  ListenResponse,
  TargetChangeTargetChangeType as Change,
  type Target,
} from "@firestore-emulator/proto/dist/google/firestore/v1/firestore";

import { qualifiesFor, runQuery } from "./query/engine";
import { toQuery } from "./query/fromProto";
import { QueryError, type Doc, type Query } from "./query/types";
import type { DocChange, DocumentStore } from "./store";
import { docObject } from "./documents";
import { timestampOf } from "./writes";

interface ActiveTarget {
  id: number;
  /** The documents the client holds for this target, by name, with their update time. */
  held: Map<string, number>;
  evaluate(): Doc[];
  /**
   * Whether a changed document can affect this target: it qualifies now, or the client holds
   * it. Any other change leaves the result as it is, limits and offsets included.
   */
  concerns(change: DocChange): boolean;
}

export interface ListenError {
  code: number;
  message: string;
}

export class ListenSession {
  private readonly targets = new Map<number, ActiveTarget>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: DocumentStore,
    private readonly send: (res: ListenResponse) => void,
    /** Maps a refused target's error to a status (INVALID_ARGUMENT / UNIMPLEMENTED). */
    private readonly statusOf: (err: unknown) => ListenError,
  ) {
    this.unsubscribe = store.subscribe((changes, time) => this.onCommit(changes, time));
  }

  add(target: Target): void {
    const id = target.target_id;
    this.targets.delete(id);
    let evaluator: Pick<ActiveTarget, "evaluate" | "concerns">;
    try {
      evaluator = this.evaluator(target);
      evaluator.evaluate();
    } catch (err) {
      // A target the stand-in cannot serve is removed with its cause; the client fails fast.
      const { code, message } = this.statusOf(err);
      this.send(
        ListenResponse.fromObject({
          target_change: {
            target_change_type: Change.REMOVE,
            target_ids: [id],
            cause: { code, message },
          },
        }),
      );
      return;
    }
    const active: ActiveTarget = { id, held: new Map(), ...evaluator };
    this.targets.set(id, active);
    this.send(
      ListenResponse.fromObject({
        target_change: { target_change_type: Change.ADD, target_ids: [id] },
      }),
    );
    const time = this.store.readTime();
    this.sync(active, time);
    this.send(
      ListenResponse.fromObject({
        target_change: {
          target_change_type: Change.CURRENT,
          target_ids: [id],
          resume_token: resumeToken(time),
          read_time: timestampOf(time),
        },
      }),
    );
    this.snapshot(time);
  }

  remove(id: number): void {
    this.targets.delete(id);
    this.send(
      ListenResponse.fromObject({
        target_change: { target_change_type: Change.REMOVE, target_ids: [id] },
      }),
    );
  }

  close(): void {
    this.unsubscribe();
    this.targets.clear();
  }

  private evaluator(target: Target): Pick<ActiveTarget, "evaluate" | "concerns"> {
    if (target.has_query) {
      const query: Query = toQuery(target.query.parent, target.query.structured_query);
      const qualifies = qualifiesFor(query);
      return {
        evaluate: () => runQuery(this.store.candidates(query), query),
        concerns: (change) => change.doc !== null && qualifies(change.doc),
      };
    }
    if (target.has_documents) {
      const names = target.documents.documents;
      return {
        evaluate: () => names.map((n) => this.store.get(n)).filter((d): d is Doc => d !== null),
        concerns: (change) => names.includes(change.name),
      };
    }
    throw new QueryError("invalid", "A listen target needs a query or documents.");
  }

  private onCommit(changes: DocChange[], time: number): void {
    let changed = false;
    for (const target of this.targets.values()) {
      if (!changes.some((c) => target.held.has(c.name) || target.concerns(c))) continue;
      changed = this.sync(target, time) || changed;
    }
    if (changed) this.snapshot(time);
  }

  /** Sends what differs between the client's copy of a target and its result now. */
  private sync(target: ActiveTarget, time: number): boolean {
    const docs = target.evaluate();
    const now = new Map(docs.map((d) => [d.name, d]));
    let changed = false;
    for (const doc of docs) {
      if (target.held.get(doc.name) === doc.updateTime) continue;
      target.held.set(doc.name, doc.updateTime);
      changed = true;
      this.send(
        ListenResponse.fromObject({
          document_change: { document: docObject(doc), target_ids: [target.id] },
        }),
      );
    }
    for (const name of [...target.held.keys()]) {
      if (now.has(name)) continue;
      target.held.delete(name);
      changed = true;
      const gone = {
        document: name,
        removed_target_ids: [target.id],
        read_time: timestampOf(time),
      };
      this.send(
        ListenResponse.fromObject(
          this.store.get(name) ? { document_remove: gone } : { document_delete: gone },
        ),
      );
    }
    return changed;
  }

  private snapshot(time: number): void {
    this.send(
      ListenResponse.fromObject({
        target_change: {
          target_change_type: Change.NO_CHANGE,
          target_ids: [],
          resume_token: resumeToken(time),
          read_time: timestampOf(time),
        },
      }),
    );
  }
}

const resumeToken = (time: number): Uint8Array => Buffer.from(String(time));
