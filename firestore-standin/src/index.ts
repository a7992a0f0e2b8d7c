// Placeholder: wraps the raw server until the stand-in (isolated transactions,
// atomic commits, reset endpoint) lands. Keep this signature.
import { FirestoreServer } from "@firestore-emulator/server";

export interface StandinOptions {
  host?: string;
  port: number;
  /** Serve the raw @firestore-emulator/server behaviour (for showing the conformance gaps). */
  raw?: boolean;
}

export interface RunningStandin {
  port: number;
  stop(): Promise<void>;
}

export async function startStandin(options: StandinOptions): Promise<RunningStandin> {
  const server = new FirestoreServer();
  await server.start(options.port);
  return { port: options.port, stop: async () => server.stop() };
}
