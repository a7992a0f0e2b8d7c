/** The media store on the local S3 server, configured from the stack's environment. */
import { MediaStore } from "../../src/adapters/media-store";

export const localMediaStore = (): MediaStore =>
  new MediaStore({
    endpoint: process.env.R2_ENDPOINT!,
    accessKeyId: process.env.R2_ACCESS_KEY_ID!,
    secretAccessKey: process.env.R2_SECRET_ACCESS_KEY!,
    bucket: process.env.R2_BUCKET!,
    publicBucket: process.env.R2_PUBLIC_BUCKET!,
    publicUrl: process.env.R2_PUBLIC_URL!,
  });
