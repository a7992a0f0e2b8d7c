/**
 * Veo's safety-filter reasons, turned into a few categories a user can act on. Veo reports a
 * filtered video with a reason text ending in "Support codes: NNNNNNNN" (in
 * `raiMediaFilteredReasons`, or in the error message of a refused prompt). The codes and their
 * safety categories are Google's, from the "Safety filter code categories" table of
 * "Responsible AI and usage guidelines for Veo"
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/video/responsible-ai-and-usage-guidelines)
 * and the same table for Imagen on Vertex AI; a code not listed there maps to `unknown`, whose
 * raw code stays in the creation's `errorDetails` for operators and is never put in a message.
 */
import type { FilterCategory } from "../contract";

/** Google's support code → its safety category (named in the comment) → ours. */
const SUPPORT_CODES: Readonly<Record<string, FilterCategory>> = {
  "58061214": "minors", // Child (prompt)
  "17301594": "minors", // Child (output)
  "29310472": "real-people", // Celebrity (prompt)
  "15236754": "real-people", // Celebrity (output)
  "39322892": "real-people", // People/Face
  "92201652": "real-people", // Personal information
  "90789179": "sexual", // Sexual
  "63429089": "sexual", // Sexual
  "43188360": "sexual", // Sexual
  "61493863": "violence", // Violence
  "56562880": "violence", // Violence
  "62263041": "violence", // Dangerous content
  "57734940": "hate", // Hate
  "22137204": "hate", // Hate
  "78610348": "hate", // Toxic
  "32635315": "hate", // Vulgar
  "35561574": "third-party", // Third-party content
  "35561575": "third-party", // Third-party content
  "64151117": "safety", // Video safety violation
  "42237218": "safety", // Video safety violation
  "89371032": "safety", // Prohibited content
  "49114662": "safety", // Prohibited content
  "72817394": "safety", // Prohibited content
  "74803281": "safety", // Other
  "29578790": "safety", // Other
  "42876398": "safety", // Other
};

/** What the user reads: what was refused and what they can do, never a code. */
const MESSAGES: Record<FilterCategory, string> = {
  minors: "Videos showing children can't be generated.",
  "real-people":
    "Videos of real, recognisable people or their personal details can't be generated.",
  sexual: "Sexual or explicit content can't be generated.",
  violence: "Violent or dangerous content can't be generated.",
  hate: "Hateful, abusive or vulgar content can't be generated.",
  "third-party": "Content owned by others (brands, logos, characters) can't be generated.",
  safety: "The video didn't pass the model's safety checks.",
  unknown: "The video was blocked by the content policy.",
};

export function filterMessage(category: FilterCategory): string {
  return MESSAGES[category];
}

/** The support codes a reason text carries ("… Support codes: 15236754, 64151117"). */
export function supportCodesIn(texts: readonly string[]): string[] {
  const codes = new Set<string>();
  for (const text of texts) {
    const match = /support codes?:\s*([\d,\s]+)/i.exec(text);
    for (const code of match?.[1].split(/[,\s]+/) ?? []) if (code) codes.add(code);
  }
  return [...codes];
}

/** The category of a set of codes: the first code Google lists, else `unknown`. */
export function categoryOfCodes(codes: readonly string[]): FilterCategory {
  for (const code of codes) if (Object.hasOwn(SUPPORT_CODES, code)) return SUPPORT_CODES[code];
  return "unknown";
}

/** One category per filtered video, from the reasons the model gave (unknown for the rest). */
export function categoriesOf(reasons: readonly string[], count: number): FilterCategory[] {
  return Array.from({ length: count }, (_, i) =>
    reasons[i] === undefined ? "unknown" : categoryOfCodes(supportCodesIn([reasons[i]])),
  );
}

/** A support code Google lists for a category (the local model's directives use it). */
export function supportCodeOf(category: FilterCategory): string | undefined {
  return Object.keys(SUPPORT_CODES).find((code) => SUPPORT_CODES[code] === category);
}
