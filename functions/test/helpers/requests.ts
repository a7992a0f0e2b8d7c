import { generateVideoInput, type GenerateVideoInput } from "../../src/contract";

/** A parsed generateVideo request with the contract's defaults (prompt "p" unless given). */
export const requestOf = (over: Partial<GenerateVideoInput> = {}) =>
  generateVideoInput.parse({ prompt: "p", ...over });
