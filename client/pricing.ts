/**
 * The cost preview: the functions' own price table (functions/src/domain/pricing.ts), applied
 * to an input with the contract's defaults filled in, so an app shows what will be charged.
 */
import { generateVideoInput, type GenerateVideoInput } from "../functions/src/contract";
import { priceOf, rateOf, TOKENS_PER_SECOND } from "../functions/src/domain/pricing";

export { priceOf, rateOf, TOKENS_PER_SECOND };

export interface CostPreview {
  /** Tokens the request will be charged. */
  cost: number;
  /** Tokens per second of video for the chosen tier, resolution and audio. */
  tokensPerSecond: number;
}

/**
 * What `generateVideo` would charge for this input (defaults applied); undefined while the
 * pricing fields are not valid yet (the prompt is not needed for a price).
 */
export function previewCost(input: Partial<GenerateVideoInput>): CostPreview | undefined {
  const parsed = generateVideoInput.safeParse({ ...input, prompt: "price" });
  if (!parsed.success) return undefined;
  return { cost: priceOf(parsed.data), tokensPerSecond: rateOf(parsed.data) };
}
