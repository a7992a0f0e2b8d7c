/**
 * `npm run audit`: the operators' ledger audit. Reads every user, ledger entry and creation
 * from Firestore and every object key in the media bucket, then reports invariant violations.
 * Exit code 1 when there is any. Uses the same environment as the functions
 * (FIRESTORE_EMULATOR_HOST / GOOGLE_CLOUD_PROJECT, R2_* variables); defaults to the local stack.
 */
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { auditLedger, type AuditInput, type Problem } from "../functions/src/domain/audit";
import { mediaPathsOf } from "../functions/src/domain/creation";
import type { CreationMedia } from "../functions/src/contract";
import { firestore } from "../functions/src/adapters/firebase";

const local = !process.env.GOOGLE_CLOUD_PROJECT && !process.env.GCLOUD_PROJECT;
if (local) {
  process.env.GCLOUD_PROJECT = "demo-phoenix";
  process.env.FIRESTORE_EMULATOR_HOST ??= "127.0.0.1:8080";
}

async function listObjects(bucket: string): Promise<string[]> {
  const s3 = new S3Client({
    endpoint: process.env.R2_ENDPOINT ?? "http://127.0.0.1:9000",
    region: "auto",
    forcePathStyle: true,
    credentials: {
      accessKeyId: process.env.R2_ACCESS_KEY_ID ?? "S3RVER",
      secretAccessKey: process.env.R2_SECRET_ACCESS_KEY ?? "S3RVER",
    },
  });
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: "videos/", ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

export async function loadAuditInput(): Promise<AuditInput> {
  const db = firestore();
  const [users, ledger, creations, objects, publicObjects] = await Promise.all([
    db.collection("users").get(),
    db.collection("transactions").get(),
    db.collection("creations").get(),
    listObjects(process.env.R2_BUCKET ?? "phoenix-media"),
    listObjects(process.env.R2_PUBLIC_BUCKET ?? "phoenix-media-public"),
  ]);
  return {
    users: users.docs.map((doc) => ({
      id: doc.id,
      tokenBalance: doc.get("tokenBalance") as number,
      totalTokensSpent: (doc.get("totalTokensSpent") as number | undefined) ?? 0,
      activeJobs: doc.get("activeJobs") as number | undefined,
    })),
    ledger: ledger.docs.map((doc) => ({
      id: doc.id,
      userId: doc.get("userId") as string,
      type: doc.get("type") as string,
      amount: doc.get("amount") as number,
      creationId: doc.get("details.creationId") as string | undefined,
    })),
    creations: creations.docs.map((doc) => ({
      id: doc.id,
      userId: doc.get("userId") as string,
      status: doc.get("status") as AuditInput["creations"][number]["status"],
      refunded: doc.get("refunded") === true,
      mediaPath: (doc.get("mediaPath") as string | null | undefined) ?? null,
      cost: doc.get("cost") as number | undefined,
      sampleCount: doc.get("sampleCount") as number | undefined,
      // Videos with their posters and spritesheets: every object a delivered creation owns.
      mediaPaths: mediaPathsOf({
        media: doc.get("media") as CreationMedia[] | undefined,
        mediaPath: null,
      }),
      undelivered: (doc.get("undelivered") as unknown[] | undefined)?.length,
    })),
    objects,
    publicObjects,
  };
}

export async function runAudit(): Promise<{ input: AuditInput; problems: Problem[] }> {
  const input = await loadAuditInput();
  return { input, problems: auditLedger(input) };
}

if (require.main === module) {
  runAudit()
    .then(({ input, problems }) => {
      console.log(
        `audited ${input.users.length} users, ${input.ledger.length} ledger entries, ` +
          `${input.creations.length} creations, ${input.objects.length} media objects`,
      );
      if (!problems.length) return console.log("audit: 0 problems");
      console.table(problems);
      console.log(`audit: ${problems.length} problem(s)`);
      process.exitCode = 1;
    })
    .catch((err: unknown) => {
      console.error("audit failed:", err);
      process.exitCode = 2;
    });
}
