/** Shared fixtures of the video model adapter tests. */
import type { Readable } from "node:stream";
import { expect } from "chai";
import { ModelError } from "../../src/domain/failure";
import type { VideoModel } from "../../src/domain/video-model";

/** The ModelError a call rejects with (fails the test if it resolves or throws something else). */
export async function modelRejection(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(ModelError);
    return error as ModelError;
  }
  throw new Error("expected a ModelError");
}

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Counts start() calls, so a test can prove no (second) paid generation happened. */
export function counting(model: VideoModel): VideoModel & { starts: number } {
  const wrapped = Object.create(model) as VideoModel & { starts: number };
  wrapped.starts = 0;
  wrapped.start = (...args) => {
    wrapped.starts++;
    return model.start(...args);
  };
  return wrapped;
}
