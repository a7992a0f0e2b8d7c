// Firestore stand-in: our own store and query engine behind Firestore's gRPC service
// (definition from @firestore-emulator/proto), serializable transactions, atomic commits and
// the official emulator's reset endpoint on the same port.
import { FirestoreServer } from "@firestore-emulator/server";
import { Server, ServerCredentials } from "@grpc/grpc-js";

import { openFrontDoor } from "./frontDoor";
import { createHttpHandler, livenessRoute, resetRoute, type Route } from "./http";
import { LockManager } from "./locks";
import { rulesRoute } from "./rules/endpoint";
import { loadRulesFile } from "./rules/file";
import { withSecurityRules, writeAuthorization } from "./rules/guard";
import { RulesRegistry } from "./rules/registry";
import { serviceDefinition, standinService } from "./service";
import { restRoute } from "./rest";
import { DocumentStore } from "./store";
import { TransactionRegistry } from "./transactions";
import { webChannelDoor, type WebChannelDoor } from "./webchannel";

export interface StandinOptions {
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 picks a free port; the chosen one is in RunningStandin.port. */
  port: number;
  /** Serve the raw @firestore-emulator/server behaviour (for showing the conformance gaps). */
  raw?: boolean;
  /**
   * How long a transaction may hold its locks before it is ABORTED. Default: the
   * FIRESTORE_LOCK_TIMEOUT_MS environment variable (which the conformance suite also reads),
   * else 15 s.
   */
  lockTimeoutMs?: number;
  /**
   * Security rules file for every project, reloaded when it changes. Without it (and until
   * rules are PUT for a project) every request is allowed, as in the official emulator.
   */
  rulesFile?: string;
  /** Where rules (re)load messages go; default console.log. */
  log?: (message: string) => void;
}

export interface RunningStandin {
  port: number;
  stop(): Promise<void>;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 15_000;

function lockTimeoutFromEnv(): number | undefined {
  const value = Number(process.env.FIRESTORE_LOCK_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export async function startStandin(options: StandinOptions): Promise<RunningStandin> {
  const txs = new TransactionRegistry(
    new LockManager(),
    options.lockTimeoutMs ?? lockTimeoutFromEnv() ?? DEFAULT_LOCK_TIMEOUT_MS,
  );
  const log = options.log ?? ((m: string) => console.log(`firestore-standin: ${m}`));
  const rules = new RulesRegistry();
  const unwatch = options.rulesFile
    ? loadRulesFile(rules, options.rulesFile, log)
    : () => undefined;
  let clear: () => void;
  let grpc: Server;
  let channels: WebChannelDoor | null = null;
  const routes: Route[] = [];
  if (options.raw) {
    // The raw server exactly as published (its service and store come from one bundle; the
    // store's error classes only match within it). We only take over its listening.
    const raw = new FirestoreServer();
    clear = () => raw.state.clear();
    grpc = Reflect.get(raw, "server") as Server;
  } else {
    const store = new DocumentStore();
    clear = () => store.clear();
    grpc = new Server();
    // Every front door (gRPC, REST, WebChannel) calls these handlers: reads, queries and
    // listens go through the rules wrapper, commits through the authorizer.
    const impl = withSecurityRules(
      standinService(store, txs, writeAuthorization(store, rules)),
      store,
      rules,
    );
    const core = { definition: serviceDefinition, impl };
    grpc.addService(core.definition, core.impl);
    // The browser doors call the same handlers in-process.
    channels = webChannelDoor(core);
    routes.push(restRoute(core), channels.route);
  }
  const injector = grpc.createConnectionInjector(ServerCredentials.createInsecure());

  const reset = resetRoute(() => {
    txs.abortAll("Transaction aborted: the emulator was reset.");
    clear();
  });
  const http = createHttpHandler([reset, livenessRoute, rulesRoute(rules, log), ...routes]);
  const door = await openFrontDoor(
    options.host ?? "127.0.0.1",
    options.port,
    (socket) => injector.injectConnection(socket),
    http,
  );
  return {
    port: door.port,
    stop: async () => {
      unwatch();
      txs.abortAll("The emulator is shutting down.");
      channels?.closeAll();
      injector.destroy();
      grpc.forceShutdown();
      await door.close();
    },
  };
}
