/**
 * Builds the Google auth client for the Veo adapter. In production: Application Default
 * Credentials (the function's service account). Offline: explicit service-account
 * credentials plus `tokenUrl`, because google-auth-library v10 always exchanges the
 * service-account JWT at https://oauth2.googleapis.com/token (it ignores `token_uri`);
 * the transporter redirects only that request, the rest of the auth flow runs as is.
 */
import type { GoogleAuth } from "google-auth-library";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

/** What the Veo adapter needs from an auth client (GoogleAuth satisfies it). */
export interface RequestHeadersSource {
  getRequestHeaders(url?: string): Promise<Headers | Record<string, string>>;
}

export interface ServiceAccountCredentials {
  client_email: string;
  private_key: string;
  [key: string]: unknown;
}

export interface GoogleAuthOptions {
  credentials?: ServiceAccountCredentials;
  /** Overrides the OAuth token endpoint (local fakes only). */
  tokenUrl?: string;
}

export async function createGoogleAuth(options: GoogleAuthOptions = {}): Promise<GoogleAuth> {
  const lib = await import("google-auth-library");
  let transporter: InstanceType<typeof lib.gaxios.Gaxios> | undefined;
  if (options.tokenUrl) {
    const tokenUrl = options.tokenUrl;
    transporter = new lib.gaxios.Gaxios();
    transporter.interceptors.request.add({
      resolved: (config) => {
        if (String(config.url).startsWith(GOOGLE_TOKEN_URL)) config.url = new URL(tokenUrl);
        return Promise.resolve(config);
      },
    });
  }
  return new lib.GoogleAuth({
    scopes: [CLOUD_PLATFORM_SCOPE],
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(transporter ? { clientOptions: { transporter } } : {}),
  });
}
