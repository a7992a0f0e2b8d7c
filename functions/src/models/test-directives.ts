/**
 * Test directives understood by the local video model only (like Stripe's test card
 * numbers): `[[policy]]`, `[[transient:N]]`, `[[permanent]]`, `[[slow:MS]]`, `[[dead:N]]`,
 * `[[filtered:N]]`; `[[policy:CATEGORY]]` and `[[filtered:N:CATEGORY]]` name the filter category
 * (domain/filter-reasons.ts) the model reports.
 * Pure: no I/O, so the worker's tests and the local model agree on one parser.
 */

export interface TestDirectives {
  /** The operation finishes with zero videos, filtered for content policy. */
  policy: boolean;
  /** The first N start attempts fail with a retryable (429/503-like) error. */
  transientAttempts: number;
  /** Every start fails with a non-retryable invalid-argument error. */
  permanent: boolean;
  /** How long the operation runs before it is done; undefined = the model's default. */
  slowMs?: number;
  /** The operations started on the first N attempts finish with a retryable error (code 14). */
  deadOperations: number;
  /** N of the videos asked for are filtered (all of them: like `[[policy]]`). */
  filteredVideos: number;
  /** The filter category to report (`[[policy:CATEGORY]]`, `[[filtered:N:CATEGORY]]`). */
  filterCategory?: string;
}

export interface ParsedPrompt {
  directives: TestDirectives;
  /** The prompt with the directives removed and whitespace tidied (what the video shows). */
  text: string;
}

const DIRECTIVE =
  /\[\[\s*(policy(?:\s*:\s*([a-z-]{1,32}))?|permanent|transient\s*:\s*(\d{1,9})|slow\s*:\s*(\d{1,9})|dead\s*:\s*(\d{1,9})|filtered\s*:\s*(\d{1,9})(?:\s*:\s*([a-z-]{1,32}))?)\s*\]\]/gi;

export function parseTestDirectives(prompt: string): ParsedPrompt {
  const directives: TestDirectives = {
    policy: false,
    transientAttempts: 0,
    permanent: false,
    deadOperations: 0,
    filteredVideos: 0,
  };
  const stripped = prompt.replace(
    DIRECTIVE,
    (
      _match,
      name: string,
      policyCategory?: string,
      transient?: string,
      slow?: string,
      dead?: string,
      filtered?: string,
      filteredCategory?: string,
    ) => {
      const key = name.toLowerCase();
      const category = policyCategory ?? filteredCategory;
      if (category) directives.filterCategory = category.toLowerCase();
      if (key.startsWith("policy")) directives.policy = true;
      else if (key === "permanent") directives.permanent = true;
      else if (transient !== undefined) {
        directives.transientAttempts = Math.max(directives.transientAttempts, Number(transient));
      } else if (slow !== undefined) directives.slowMs = Number(slow);
      else if (dead !== undefined) {
        directives.deadOperations = Math.max(directives.deadOperations, Number(dead));
      } else if (filtered !== undefined) {
        directives.filteredVideos = Math.max(directives.filteredVideos, Number(filtered));
      }
      return " ";
    },
  );
  const text = stripped
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .filter((line, i, lines) => line !== "" || (i > 0 && lines[i - 1] !== ""))
    .join("\n")
    .trim();
  return { directives, text };
}

export function hasTestDirectives(prompt: string): boolean {
  DIRECTIVE.lastIndex = 0;
  const found = DIRECTIVE.test(prompt);
  DIRECTIVE.lastIndex = 0;
  return found;
}
