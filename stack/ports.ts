// Refuse to start on a taken port, and say who holds it: a half-started stack that
// silently talks to a stale server is worse than a clear error.
import { execFileSync } from "node:child_process";
import net from "node:net";
import { HOST } from "./config";

export function isPortFree(port: number, host = HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** "node (pid 123)" from `ss -ltnp`, or undefined when ss is missing or says nothing. */
export function describePortUser(port: number): string | undefined {
  let out: string;
  try {
    out = execFileSync("ss", ["-Hltnp", `sport = :${port}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
  const users = [...out.matchAll(/\("([^"]+)",pid=(\d+)/g)].map(
    ([, cmd, pid]) => `${cmd} (pid ${pid})`,
  );
  if (users.length) return [...new Set(users)].join(", ");
  return out.trim() ? "a process this user cannot see" : undefined;
}

export class PortInUseError extends Error {}

export async function assertPortsFree(
  wanted: Array<{ port: number; name: string }>,
): Promise<void> {
  const taken: string[] = [];
  for (const { port, name } of wanted) {
    if (await isPortFree(port)) continue;
    const user = describePortUser(port);
    taken.push(`port ${port} (${name}) is already in use${user ? ` by ${user}` : ""}`);
  }
  if (taken.length) {
    throw new PortInUseError(
      `${taken.join("; ")}.\nStop that process (or a stack left running) and try again.`,
    );
  }
}

/** Wait until a port can be bound again, so a restart right after stop() works. */
export async function waitForPortsFree(ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    while (!(await isPortFree(port)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
