/**
 * The generate form: every field of the generateVideo contract, a live cost preview from the
 * shared pricing (client previewCost), and the contract's refusals next to the fields they concern. The request id
 * is kept across resubmissions of unchanged input, so a retry after a lost reply never pays twice.
 */
import {
  type ASPECT_RATIOS,
  DEFAULT_MODEL,
  DURATIONS,
  MAX_SAMPLE_COUNT,
  MODEL_CHOICES,
  RESOLUTIONS,
  UPLOAD_CONTENT_TYPES,
  generateVideo,
  newRequestId,
  uploadImage,
  previewCost,
  type GenerateVideoInput,
  type GenerateVideoResult,
} from "../../client";
import type { Functions } from "firebase/functions";
import { h } from "./dom";
import { submitRefusals, tokens, type Slot } from "./messages";
import type { View } from "./view";

export interface GenerateForm extends View {
  setBalance(balance: number | undefined): void;
  /** "Continue from last frame": the next video starts where this one of the user's ends. */
  continueFrom(creationId: string): void;
}

/** Every ratio of the contract (the type says so), portrait first: the main format. */
const ASPECT_LABELS: Record<(typeof ASPECT_RATIOS)[number], string> = {
  "9:16": "9:16 portrait",
  "16:9": "16:9 landscape",
};
const ASPECT_ORDER = Object.keys(ASPECT_LABELS) as (typeof ASPECT_RATIOS)[number][];
const SAMPLE_COUNTS = Array.from({ length: MAX_SAMPLE_COUNT }, (_, i) => i + 1);
const MODEL_LABELS: Record<(typeof MODEL_CHOICES)[number], string> = {
  standard: "Standard (best)",
  fast: "Fast",
  lite: "Lite (cheapest)",
};

function choices<T extends string | number>(
  name: string,
  legend: string,
  values: readonly T[],
  checked: T,
  label: (v: T) => string = String,
): HTMLFieldSetElement {
  return h(
    "fieldset",
    { class: "choices", id: name, "aria-describedby": `error-${name}` },
    h("legend", {}, legend),
    ...values.map((value) =>
      h(
        "label",
        { class: "choice" },
        h("input", { type: "radio", name, value: String(value), checked: value === checked }),
        h("span", {}, label(value)),
      ),
    ),
  );
}

const errorSlot = (slot: Slot) =>
  h("p", { class: "error", id: `error-${slot}`, role: "alert", "data-error-for": slot });

export function generateForm(
  functions: Functions,
  onQueued: (result: GenerateVideoResult) => void,
): GenerateForm {
  let balance: number | undefined;
  let requestId = newRequestId();

  const prompt = h("textarea", {
    id: "prompt",
    name: "prompt",
    rows: 3,
    maxlength: 2000,
    placeholder: "A paper boat drifting down a rainy street at dusk",
    "aria-describedby": "error-prompt",
  });
  const negativePrompt = h("textarea", {
    id: "negativePrompt",
    name: "negativePrompt",
    rows: 2,
    placeholder: "What to avoid, e.g. text, watermarks",
    "aria-describedby": "error-negativePrompt",
  });
  const seed = h("input", {
    id: "seed",
    name: "seed",
    inputmode: "numeric",
    placeholder: "random",
    "aria-describedby": "error-seed",
  });
  const requestIdOut = h("output", { id: "requestId", name: "requestId" }, requestId);
  // The first frame: a picked image (uploaded on submit) or the last frame of a video of theirs.
  const imageFile = h("input", {
    type: "file",
    id: "image",
    name: "image",
    accept: UPLOAD_CONTENT_TYPES.join(","),
    "aria-describedby": "error-image",
  });
  let startFrom: string | undefined;
  const startFromText = h("span", { "data-testid": "start-from" });
  const clearStart = h("button", { type: "button", class: "secondary small" }, "Remove");
  const startFromChip = h("p", { class: "chip", hidden: true }, startFromText, " ", clearStart);
  const audio = h("input", { type: "checkbox", id: "generateAudio", name: "generateAudio" });
  const enhance = h("input", { type: "checkbox", id: "enhancePrompt", name: "enhancePrompt" });
  const cost = h("p", { class: "cost", "data-testid": "cost", "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Generate");
  const notice = h("p", { class: "notice", "aria-live": "polite" });
  const slots = new Map<Slot, HTMLElement>();
  const slot = (name: Slot) => {
    const el = errorSlot(name);
    slots.set(name, el);
    return el;
  };

  const form = h(
    "form",
    { class: "card generate", novalidate: true, "aria-labelledby": "generate-title" },
    h("h2", { id: "generate-title" }, "New video"),
    h("label", { for: "prompt" }, "Prompt"),
    prompt,
    slot("prompt"),
    choices("model", "Model", MODEL_CHOICES, DEFAULT_MODEL, (v) => MODEL_LABELS[v]),
    slot("model"),
    choices("aspectRatio", "Format", ASPECT_ORDER, "9:16", (v) => ASPECT_LABELS[v]),
    slot("aspectRatio"),
    choices("duration", "Length", DURATIONS, 8, (v) => `${v} s`),
    slot("duration"),
    choices("resolution", "Resolution", RESOLUTIONS, "720p"),
    slot("resolution"),
    h("label", { class: "check" }, audio, h("span", {}, "Generate audio")),
    slot("generateAudio"),
    choices("sampleCount", "Videos", SAMPLE_COUNTS, 1, (v) =>
      v === 1 ? "1 video" : `${v} videos`,
    ),
    slot("sampleCount"),
    h("label", { for: "image" }, "Start from an image (optional: JPEG, PNG or WebP, up to 8 MiB)"),
    imageFile,
    startFromChip,
    slot("image"),
    h(
      "details",
      { class: "advanced" },
      h("summary", {}, "Advanced"),
      h(
        "label",
        { class: "check" },
        enhance,
        h(
          "span",
          {},
          "Enhance my prompt (the model adds detail; free; short prompts come back rewritten)",
        ),
      ),
      slot("enhancePrompt"),
      h("label", { for: "negativePrompt" }, "Negative prompt"),
      negativePrompt,
      slot("negativePrompt"),
      h("label", { for: "seed" }, "Seed"),
      seed,
      slot("seed"),
      h(
        "p",
        { class: "muted small" },
        "Request id ",
        requestIdOut,
        " — sent with the request; a retry with the same settings is charged once.",
      ),
      slot("requestId"),
    ),
    cost,
    slot("cost"),
    submit,
    slot("form"),
    notice,
  );

  const radio = (name: string) =>
    form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value;

  function readInput(): GenerateVideoInput {
    const seedText = seed.value.trim();
    return {
      prompt: prompt.value,
      aspectRatio: radio("aspectRatio") as GenerateVideoInput["aspectRatio"],
      duration: Number(radio("duration")) as GenerateVideoInput["duration"],
      resolution: radio("resolution") as GenerateVideoInput["resolution"],
      generateAudio: audio.checked,
      model: radio("model") as GenerateVideoInput["model"],
      sampleCount: Number(radio("sampleCount") ?? 1),
      ...(enhance.checked ? { enhancePrompt: true } : {}),
      ...(negativePrompt.value.trim() ? { negativePrompt: negativePrompt.value } : {}),
      // A non-number reaches the shared schema as NaN and is refused there, with the field named.
      ...(seedText ? { seed: Number(seedText) } : {}),
      ...(startFrom ? { image: { creationId: startFrom, frame: "last" as const } } : {}),
      requestId,
    };
  }

  function setStartFrom(creationId: string | undefined): void {
    startFrom = creationId;
    startFromChip.hidden = !creationId;
    startFromText.textContent = creationId ? "Starting from the last frame of your video" : "";
    if (creationId) imageFile.value = "";
    showCost();
  }
  clearStart.addEventListener("click", () => setStartFrom(undefined));
  imageFile.addEventListener("change", () => {
    if (imageFile.files?.length) setStartFrom(undefined);
  });

  /** The input to send: a picked image is uploaded first and sent by its upload id. */
  async function inputToSend(): Promise<GenerateVideoInput> {
    const input = readInput();
    const file = imageFile.files?.[0];
    if (!file) return input;
    return { ...input, image: await uploadImage(functions, file) };
  }

  function showCost(): void {
    const preview = previewCost(readInput());
    if (!preview) return;
    const price = preview.cost;
    const after = balance === undefined ? "" : ` · you have ${tokens(balance)}`;
    cost.textContent = `Cost: ${tokens(price)}${after}`;
    cost.classList.toggle("short", balance !== undefined && price > balance);
  }

  function clearErrors(): void {
    for (const el of slots.values()) el.textContent = "";
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  }

  form.addEventListener("input", () => {
    // Changed settings are a new request; an unchanged resubmission reuses the id.
    requestId = newRequestId();
    requestIdOut.textContent = requestId;
    showCost();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors();
    notice.textContent = "";
    submit.disabled = true;
    submit.textContent = "Sending…";
    inputToSend()
      .then((input) => generateVideo(functions, input))
      .then((result) => {
        notice.textContent = `Queued: ${tokens(result.cost)} charged, ${tokens(result.balance)} left.`;
        requestId = newRequestId();
        requestIdOut.textContent = requestId;
        imageFile.value = "";
        setStartFrom(undefined);
        onQueued(result);
      })
      .catch((err: unknown) => {
        for (const refusal of submitRefusals(err)) {
          const target = slots.get(refusal.slot);
          if (target) target.textContent = refusal.text;
          document.getElementById(refusal.slot)?.setAttribute("aria-invalid", "true");
        }
      })
      .finally(() => {
        submit.disabled = false;
        submit.textContent = "Generate";
      });
  });

  showCost();
  return {
    el: form,
    stop: () => undefined,
    setBalance(value) {
      balance = value;
      showCost();
    },
    continueFrom(creationId) {
      setStartFrom(creationId);
      form.scrollIntoView({ behavior: "smooth", block: "start" });
      prompt.focus();
    },
  };
}
