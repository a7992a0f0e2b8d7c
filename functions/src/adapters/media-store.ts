/**
 * Cloudflare R2 through the S3 API: streamed multipart uploads (bounded memory), presigned
 * links for private drafts, copies to the public bucket on publish.
 */
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";

export interface MediaStoreConfig {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  publicBucket: string;
  publicUrl: string;
}

/**
 * 5 MiB parts (the S3/R2 minimum), two in flight. lib-storage copies each part, so memory
 * grows by several part sizes (measured: ~50 MiB for any object size), never with the video.
 */
const PART_SIZE = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;
/** R2 (like S3) refuses presigned links longer than 7 days. */
export const MAX_LINK_SECONDS = 7 * 24 * 3600;

export class MediaStore {
  private clientPromise: Promise<S3Client> | undefined;

  constructor(private readonly config: MediaStoreConfig) {}

  private client(): Promise<S3Client> {
    this.clientPromise ??= import("@aws-sdk/client-s3").then(
      ({ S3Client }) =>
        new S3Client({
          endpoint: this.config.endpoint,
          region: "auto",
          forcePathStyle: true,
          credentials: {
            accessKeyId: this.config.accessKeyId,
            secretAccessKey: this.config.secretAccessKey,
          },
          maxAttempts: 3,
        }),
    );
    return this.clientPromise;
  }

  async upload(
    key: string,
    body: Readable,
    contentType: string,
    metadata: Record<string, string>,
  ): Promise<void> {
    const [client, { Upload }] = await Promise.all([this.client(), import("@aws-sdk/lib-storage")]);
    const upload = new Upload({
      client,
      params: {
        Bucket: this.config.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        Metadata: metadata,
      },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  /** A private, expiring link to a draft. */
  async signedUrl(key: string, ttlSeconds: number): Promise<{ url: string; expiresAt: Date }> {
    const [client, { GetObjectCommand }, { getSignedUrl }] = await Promise.all([
      this.client(),
      import("@aws-sdk/client-s3"),
      import("@aws-sdk/s3-request-presigner"),
    ]);
    const expiresIn = Math.min(Math.max(ttlSeconds, 1), MAX_LINK_SECONDS);
    const url = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: this.config.bucket, Key: key }),
      {
        expiresIn,
      },
    );
    return { url, expiresAt: new Date(Date.now() + expiresIn * 1000) };
  }

  /** Copies a draft to the public bucket; returns its public URL. Safe to repeat. */
  async publish(key: string): Promise<string> {
    const [client, { CopyObjectCommand }] = await Promise.all([
      this.client(),
      import("@aws-sdk/client-s3"),
    ]);
    await client.send(
      new CopyObjectCommand({
        Bucket: this.config.publicBucket,
        Key: key,
        CopySource: `${this.config.bucket}/${key}`,
      }),
    );
    return this.publicUrlOf(key);
  }

  /** Removes the public copy of a key (a publish that did not complete). */
  async unpublish(key: string): Promise<void> {
    const [client, { DeleteObjectCommand }] = await Promise.all([
      this.client(),
      import("@aws-sdk/client-s3"),
    ]);
    await client.send(new DeleteObjectCommand({ Bucket: this.config.publicBucket, Key: key }));
  }

  publicUrlOf(key: string): string {
    return `${this.config.publicUrl.replace(/\/+$/, "")}/${key}`;
  }

  /** Removes a key from both buckets; deleting a missing key is not an error in S3. */
  async remove(key: string): Promise<void> {
    const [client, { DeleteObjectCommand }] = await Promise.all([
      this.client(),
      import("@aws-sdk/client-s3"),
    ]);
    await Promise.all(
      [this.config.bucket, this.config.publicBucket].map((bucket) =>
        client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
      ),
    );
  }

  /**
   * A presigned PUT for one object of the private bucket. Content type and length are signed
   * headers (listed in X-Amz-SignedHeaders): R2 refuses a PUT whose headers differ.
   */
  async presignedPut(
    key: string,
    contentType: string,
    size: number,
    ttlSeconds: number,
  ): Promise<{ url: string; expiresAt: Date }> {
    const [client, { PutObjectCommand }, { getSignedUrl }] = await Promise.all([
      this.client(),
      import("@aws-sdk/client-s3"),
      import("@aws-sdk/s3-request-presigner"),
    ]);
    const expiresIn = Math.min(Math.max(ttlSeconds, 1), MAX_LINK_SECONDS);
    const command = new PutObjectCommand({
      Bucket: this.config.bucket,
      Key: key,
      ContentType: contentType,
      ContentLength: size,
    });
    const url = await getSignedUrl(client, command, {
      expiresIn,
      signableHeaders: new Set(["content-type", "content-length"]),
    });
    return { url, expiresAt: new Date(Date.now() + expiresIn * 1000) };
  }

  /**
   * An object of the private bucket whole, refused above `maxBytes` before anything is read
   * (inputs are small images: bounded memory). Null when it does not exist.
   */
  async readSmall(
    key: string,
    maxBytes: number,
  ): Promise<{ bytes: Buffer } | { tooLarge: number } | null> {
    const [client, { GetObjectCommand }] = await Promise.all([
      this.client(),
      import("@aws-sdk/client-s3"),
    ]);
    try {
      const object = await client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: key }),
      );
      const length = object.ContentLength ?? 0;
      const body = object.Body as Readable | undefined;
      if (length > maxBytes || !body) {
        body?.destroy();
        return { tooLarge: length };
      }
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of body) {
        total += (chunk as Buffer).length;
        if (total > maxBytes) {
          body.destroy();
          return { tooLarge: total };
        }
        chunks.push(chunk as Buffer);
      }
      return { bytes: Buffer.concat(chunks) };
    } catch (error) {
      if ((error as { name?: string }).name === "NoSuchKey") return null;
      throw error;
    }
  }

  /** A stream of an object of the private bucket (a source video to extend). */
  async openObject(key: string): Promise<Readable> {
    const [client, { GetObjectCommand }] = await Promise.all([
      this.client(),
      import("@aws-sdk/client-s3"),
    ]);
    const object = await client.send(
      new GetObjectCommand({ Bucket: this.config.bucket, Key: key }),
    );
    if (!object.Body) throw new Error(`empty body for ${key}`);
    return object.Body as Readable;
  }

  async exists(key: string): Promise<boolean> {
    const [client, { HeadObjectCommand }] = await Promise.all([
      this.client(),
      import("@aws-sdk/client-s3"),
    ]);
    try {
      await client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === "NotFound") return false;
      throw error;
    }
  }
}
