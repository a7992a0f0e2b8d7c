// The official emulator's rules endpoint, as @firebase/rules-unit-testing and firebase-tools
// call it: PUT /emulator/v1/projects/{project}:securityRules with
// {"rules": {"files": [{"content": "…"}]}}. Rules that do not load are answered 400 with the
// reason (firebase-tools' `ignore_errors: true` gets 200 and the issues), and the project
// keeps its previous rules.
import type { ServerResponse } from "node:http";

import { readBody, type Route } from "../http";
import type { RulesRegistry } from "./registry";

const RULES = /^\/emulator\/v1\/projects\/([^/:]+):securityRules$/;

interface RulesBody {
  ignore_errors?: boolean;
  rules?: { files?: Array<{ content?: unknown }> };
}

const invalid = (res: ServerResponse, message: string, extra: object = {}): void =>
  reply(res, 400, { error: { code: 400, message, status: "INVALID_ARGUMENT" }, ...extra });

export function rulesRoute(registry: RulesRegistry, log: (m: string) => void): Route {
  return {
    matches: (method, path) => method === "PUT" && RULES.test(path),
    handle: async (req, res, url) => {
      const project = decodeURIComponent(RULES.exec(url.pathname)?.[1] ?? "");
      let body: RulesBody;
      try {
        body = JSON.parse(await readBody(req)) as RulesBody;
      } catch {
        return invalid(res, "The body is not JSON.");
      }
      const content = body.rules?.files?.[0]?.content;
      if (typeof content !== "string") return invalid(res, "rules.files[0].content is missing.");
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
        return invalid(res, message, { issues: [issue] });
      }
    },
  };
}

function reply(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
}
