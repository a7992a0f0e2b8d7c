/**
 * The local model's stand-in for Veo's LLM prompt rewriter (`enhancePrompt`): deterministic, so
 * tests can check what is stored. Like Veo, it hands the rewritten prompt back only for prompts
 * of fewer than 30 words (Vertex AI, "Turn the prompt rewriter off").
 */
export const REWRITTEN_PROMPT_WORD_LIMIT = 30;

export function rewritePrompt(prompt: string): string | undefined {
  const text = prompt.trim();
  const words = text.split(/\s+/).filter(Boolean).length;
  if (!words || words >= REWRITTEN_PROMPT_WORD_LIMIT) return undefined;
  return `${text.replace(/[.!?]+$/, "")}. Cinematic shot, soft natural light, a slow camera push-in.`;
}
