/**
 * Fail closed: which production settings are missing or unusable. Outside the emulator a
 * worker never falls back to the local model (which honours test directives): without a
 * Vertex project, a Veo output bucket and real R2 endpoints, submissions are refused before
 * any charge and workers refuse to start a generation. Pure, so every rule is unit-tested.
 */
import { MODEL_CHOICES, type ModelChoice } from "../contract";
import { capabilitiesOf } from "../domain/video-capabilities";

export interface DeploymentSettings {
  emulator: boolean;
  vertexProject: string;
  veoOutputUri: string;
  /** The Vertex AI model id of each tier (VEO_MODEL_STANDARD, _FAST, _LITE). */
  veoModels: Record<ModelChoice, string>;
  veoStartsPerMinute: number;
  r2Endpoint: string;
  r2PublicUrl: string;
  /** TIME_SCALE: the prod-scaled profile's factor, for the emulator only. */
  timeScale: number;
}

/** One line per problem, naming the setting; empty when the deployment can take work. */
export function settingProblems(settings: DeploymentSettings): string[] {
  const problems: string[] = [];
  for (const choice of MODEL_CHOICES) {
    const id = settings.veoModels[choice];
    const model = capabilitiesOf(id);
    const param = `VEO_MODEL_${choice.toUpperCase()}`;
    if (!model) problems.push(`${param} "${id}" is not a known GA Veo model`);
    // The tiers share one start queue: its rate must fit every tier's quota.
    else if (!settings.emulator && settings.veoStartsPerMinute > model.startsPerMinute) {
      problems.push(
        `VEO_STARTS_PER_MINUTE ${settings.veoStartsPerMinute} exceeds ${id}'s quota of ${model.startsPerMinute}/min (${param})`,
      );
    }
  }
  if (settings.emulator) return problems; // the local model and the R2 stand-in need nothing more
  if (!settings.vertexProject) {
    problems.push("VERTEX_PROJECT is empty (the local model runs only in the emulator)");
  }
  if (!/^gs:\/\/[^/]+/.test(settings.veoOutputUri)) {
    problems.push("VEO_OUTPUT_URI is not a gs:// prefix");
  }
  if (!/^https:\/\//.test(settings.r2Endpoint)) problems.push("R2_ENDPOINT is not an https URL");
  if (!/^https:\/\//.test(settings.r2PublicUrl)) problems.push("R2_PUBLIC_URL is not an https URL");
  if (settings.timeScale !== 1) problems.push("TIME_SCALE must be 1 outside the emulator");
  return problems;
}

/** Thrown where work would start on a deployment that cannot do it. */
export class NotConfiguredError extends Error {
  constructor(readonly problems: string[]) {
    super(`deployment not configured: ${problems.join("; ")}`);
    this.name = "NotConfiguredError";
  }
}
