/** Shared fixtures of the video model adapter tests. */
import type { Readable } from "node:stream";
import { expect } from "chai";
import { ModelError } from "../../src/domain/failure";

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
