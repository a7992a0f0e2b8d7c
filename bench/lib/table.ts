// The one table `npm run bench` prints: a row per figure, measured next to its baseline.

export interface Row {
  figure: string;
  measured: string;
  baseline: string;
  /** measured/baseline, or the figure against its goal. */
  ratio: string;
  goal: string;
  /** "yes", "no", or "—" for figures without a goal. */
  met: string;
}

const HEADERS: Row = {
  figure: "figure",
  measured: "measured",
  baseline: "baseline",
  ratio: "ratio",
  goal: "goal",
  met: "met",
};
const COLUMNS = Object.keys(HEADERS) as Array<keyof Row>;

/** A Markdown table: readable in a terminal and pasteable into the README as is. */
export function renderTable(rows: readonly Row[]): string {
  const all = [HEADERS, ...rows];
  const width = (col: keyof Row) => Math.max(...all.map((r) => r[col].length));
  const line = (r: Row) => `| ${COLUMNS.map((c) => r[c].padEnd(width(c))).join(" | ")} |`;
  const rule = `|${COLUMNS.map((c) => "-".repeat(width(c) + 2)).join("|")}|`;
  return [line(HEADERS), rule, ...rows.map(line)].join("\n");
}

export const met = (ok: boolean | undefined): string =>
  ok === undefined ? "—" : ok ? "yes" : "no";
