// The figures of a run: what was sent, what came back, how jobs ended, which faults were
// injected. Each scenario fills its own row; the table prints once after all scenarios.
import { profile } from "./profile";

export interface ScenarioFigures {
  sent: number;
  accepted: number;
  rejected: Map<string, number>;
  jobsByEnd: Map<string, number>;
  violations: number;
  slowestEndMs: number;
  faults: Map<string, number>;
  notes: string[];
}

const scenarios = new Map<string, ScenarioFigures>();

export function scenario(name: string): ScenarioFigures {
  let row = scenarios.get(name);
  if (!row) {
    row = {
      sent: 0,
      accepted: 0,
      rejected: new Map(),
      jobsByEnd: new Map(),
      violations: 0,
      slowestEndMs: 0,
      faults: new Map(),
      notes: [],
    };
    scenarios.set(name, row);
  }
  return row;
}

export const bump = (map: Map<string, number>, key: string, by = 1) =>
  map.set(key, (map.get(key) ?? 0) + by);

const list = (map: Map<string, number>) =>
  [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(", ") || "-";

export function figuresTable(): string {
  const rows = [...scenarios.entries()];
  const total = (pick: (f: ScenarioFigures) => number) => rows.reduce((n, [, f]) => n + pick(f), 0);
  const lines = [
    `Reliability figures (profile ${profile.name})`,
    ...rows.flatMap(([name, f]) => [
      `■ ${name}`,
      `    requests sent          ${f.sent}`,
      `    accepted               ${f.accepted}`,
      `    rejected by code       ${list(f.rejected)}`,
      `    jobs by end state      ${list(f.jobsByEnd)}`,
      `    slowest to end state   ${f.slowestEndMs ? `${(f.slowestEndMs / 1000).toFixed(1)} s` : "-"}`,
      `    faults injected        ${list(f.faults)}`,
      `    invariant violations   ${f.violations}`,
      ...f.notes.map((note) => `    note: ${note}`),
    ]),
    `■ total: ${total((f) => f.sent)} requests, ${total((f) => f.accepted)} accepted, ` +
      `${total((f) => [...f.jobsByEnd.values()].reduce((a, b) => a + b, 0))} jobs ended, ` +
      `${total((f) => f.violations)} invariant violations, slowest end ` +
      `${(Math.max(0, ...rows.map(([, f]) => f.slowestEndMs)) / 1000).toFixed(1)} s`,
  ];
  return lines.join("\n");
}

// Root-level hook (this module is imported by every scenario file, and loaded once).
after(function () {
  if (scenarios.size) console.log(`\n${figuresTable()}\n`);
});
