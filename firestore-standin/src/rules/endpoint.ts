// The official emulator's rules endpoint, as @firebase/rules-unit-testing and firebase-tools
// call it: PUT /emulator/v1/projects/{project}:securityRules with
// {"rules": {"files": [{"content": "…"}]}}. Rules that do not load are answered 400 with the
// reason (firebase-tools' `ignore_errors: true` gets 200 and the issues), and the project
// keeps its previous rules.
import type http from "node:http";

import type { HttpRoute } from "../http";
import type { RulesRegistry } from "./registry";

const RULES = /^\/emulator\/v1\/projects\/([^/:]+):securityRules$/;

interface RulesBody {
  ignore_errors?: boolean;
  rules?: { files?: Array<{ content?: unknown }> };
}

export function rulesRoute(registry: RulesRegistry, log: (m: string) => void): HttpRoute {
  return (req, res) => {
    const match = RULES.exec((req.url ?? "/").split("?")[0] ?? "/");
    if (!match || req.method !== "PUT") return false;
    const project = decodeURIComponent(match[1] ?? "");
    readBody(req).then(
      (text) => {
        let body: RulesBody;
        try {
          body = JSON.parse(text) as RulesBody;
        } catch {
          return reply(res, 400, {
            error: { code: 400, message: "The body is not JSON.", status: "INVALID_ARGUMENT" },
          });
        }
        const content = body.rules?.files?.[0]?.content;
        if (typeof content !== "string") {
          return reply(res, 400, {
            error: {
              code: 400,
              message: "rules.files[0].content is missing.",
              status: "INVALID_ARGUMENT",
            },
          });
        }
        try {
          registry.setForProject(project, content);
          log(`security rules loaded for project ${project}`);
          return reply(res, 200, { issues: [] });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          log(`security rules for project ${project} NOT loaded: ${message}`);
          const line = Number(/^line (\d+)/.exec(message)?.[1] ?? 0);
          const issue = {
            sourcePosition: { line, column: 0 },
            description: message,
            severity: "ERROR",
          };
          if (body.ignore_errors) return reply(res, 200, { issues: [issue] });
          return reply(res, 400, {
            error: { code: 400, message, status: "INVALID_ARGUMENT" },
            issues: [issue],
          });
        }
      },
      () =>
        reply(res, 400, {
          error: { code: 400, message: "Could not read the body.", status: "INVALID_ARGUMENT" },
        }),
    );
    return true;
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function reply(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
}
