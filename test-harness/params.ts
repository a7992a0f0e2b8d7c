/**
 * In a test process, params read process.env with no defaults applied (deploy applies them).
 * This sets every param's default, then the local stack's overrides, like the emulator does.
 */
import * as params from "../functions/src/config/params";
import { readFunctionsDotenv as readDotenv } from "../stack/profile";

export function loadLocalParams(overrides: Record<string, string> = {}): void {
  // What the Functions emulator sets: the local model and the local settings are allowed.
  process.env.FUNCTIONS_EMULATOR ??= "true";
  const preset = { ...process.env };
  for (const param of Object.values(params)) {
    const { name } = param as { name: string };
    const fallback = (param as { options?: { default?: string | number | boolean } }).options
      ?.default;
    if (process.env[name] === undefined && fallback !== undefined)
      process.env[name] = String(fallback);
  }
  // The stack's own environment (e.g. R2_ENDPOINT set by the test runner) wins over the files.
  const local = { ...readDotenv(".env.demo-phoenix"), ...readDotenv(".secret.local") };
  for (const [name, value] of Object.entries(local)) process.env[name] = preset[name] ?? value;
  Object.assign(process.env, overrides);
}
