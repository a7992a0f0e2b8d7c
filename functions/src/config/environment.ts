/**
 * Where the code runs. The Functions emulator sets FUNCTIONS_EMULATOR=true both when it
 * discovers the functions and when it runs them; `firebase deploy` and Cloud Run never do.
 * Anything for local use only (the ffmpeg model, test directives, test-only functions)
 * is switched on by this and nothing else.
 */
export function isEmulator(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.FUNCTIONS_EMULATOR === "true";
}
