/**
 * One of the user's creations: status, progress, queue position and ETA while pending, the
 * draft's player, and the actions its status allows (publish, cancel, delete). Updated in
 * place on every snapshot so a playing video is not reloaded.
 */
import type { Functions } from "firebase/functions";
import {
  cancelCreation,
  deleteCreation,
  getMediaUrl,
  isEndStatus,
  publishCreation,
  type CreationSnapshot,
} from "../../client";
import { fill, h } from "./dom";
import { millisOf, percent, queueText, statusText } from "./format";
import { aspectClass, videoPlayer } from "./media";
import { actionMessage, tokens } from "./messages";

/** Fields the backend adds to a pending creation when it can tell (see the README). */
interface QueueFields {
  queuePosition?: number | null;
  estimatedReadyAt?: unknown;
}

export class CreationCard {
  readonly el: HTMLElement;
  private readonly media = h("div", { class: "media" });
  private readonly prompt = h("p", { class: "prompt" });
  private readonly enhanced = h("p", { class: "small enhanced", "data-testid": "enhanced-prompt" });
  private readonly meta = h("p", { class: "muted small" });
  private readonly status = h("p", { class: "status", "data-testid": "status" });
  private readonly bar = h("progress", { max: 100, value: 0 });
  private readonly queue = h("p", { class: "muted small", "data-testid": "queue" });
  private readonly problem = h("p", { class: "error", role: "alert" });
  private readonly actions = h("div", { class: "actions" });
  private shownUrl: string | undefined;
  private creation: CreationSnapshot;

  constructor(
    private readonly functions: Functions,
    creation: CreationSnapshot,
    /** "Continue from last frame" on a finished video of the user's. */
    private readonly onContinue?: (creationId: string) => void,
  ) {
    this.creation = creation;
    this.el = h(
      "article",
      { class: "card creation", "data-creation-id": creation.id },
      this.media,
      h(
        "div",
        { class: "body" },
        this.prompt,
        this.meta,
        this.enhanced,
        this.status,
        this.bar,
        this.queue,
        this.problem,
        this.actions,
      ),
    );
    this.update(creation);
  }

  update(c: CreationSnapshot & QueueFields): void {
    this.creation = c;
    this.el.dataset.status = c.status;
    this.prompt.textContent = c.prompt;
    this.enhanced.textContent = c.enhancedPrompt
      ? `Rewritten by the model: ${c.enhancedPrompt}`
      : "";
    this.enhanced.hidden = !c.enhancedPrompt;
    const videos = (c.sampleCount ?? 1) > 1 ? ` · ${c.sampleCount} videos` : "";
    this.meta.textContent = `${c.model ?? "fast"} · ${c.duration} s · ${c.aspectRatio} · ${c.resolution}${videos} · ${tokens(c.cost)}`;
    const active = !isEndStatus(c.status);
    this.status.textContent = active
      ? `${statusText(c.status)} · ${percent(c.progress)} %`
      : statusText(c.status) +
        (c.refunded ? ` · ${tokens(c.cost)} refunded` : "") +
        (c.refundedTokens
          ? ` · ${c.undelivered?.length ?? 0} not delivered, ${tokens(c.refundedTokens)} refunded` +
            // Why, in the plain words the backend chose (no support codes reach users).
            [...new Set(c.undelivered?.map((u) => u.message).filter(Boolean))]
              .map((m) => ` · ${m}`)
              .join("")
          : "");
    this.status.dataset.status = c.status;
    this.bar.hidden = !active;
    this.bar.value = percent(c.progress);
    const waiting =
      c.status === "pending"
        ? queueText(c.queuePosition, millisOf(c.estimatedReadyAt), Date.now())
        : undefined;
    this.queue.textContent = waiting ?? "";
    this.queue.hidden = !waiting;
    this.problem.textContent =
      c.status === "failed" ? (c.error ?? "The video could not be made.") : "";
    this.showMedia(c);
    this.showActions(c);
  }

  private showMedia(c: CreationSnapshot): void {
    const url =
      (c.status === "draft" || c.status === "published") && c.mediaUrl ? c.mediaUrl : undefined;
    const active = !isEndStatus(c.status);
    this.media.className = `media ${aspectClass(c.aspectRatio)}${url || active ? "" : " ended"}`;
    if (!url) {
      this.shownUrl = undefined;
      const text = active ? `${percent(c.progress)} %` : "No video";
      fill(this.media, h("span", { class: "placeholder" }, text));
      return;
    }
    if (url === this.shownUrl) return;
    this.shownUrl = url;
    const refresh = () => getMediaUrl(this.functions, { creationId: c.id }).then((r) => r.mediaUrl);
    fill(this.media, videoPlayer(url, refresh, c.media?.[0]?.posterUrl));
  }

  private showActions(c: CreationSnapshot): void {
    const id = { creationId: c.id };
    const buttons: HTMLButtonElement[] = [];
    if (c.status === "draft")
      buttons.push(this.button("Publish", () => publishCreation(this.functions, id)));
    if ((c.status === "draft" || c.status === "published") && this.onContinue) {
      const go = this.onContinue;
      buttons.push(
        this.button("Continue from last frame", () => Promise.resolve(go(c.id)), "secondary"),
      );
    }
    if (c.status === "pending")
      buttons.push(this.button("Cancel", () => cancelCreation(this.functions, id), "secondary"));
    if (isEndStatus(c.status))
      buttons.push(this.button("Delete", () => deleteCreation(this.functions, id), "danger"));
    const now = Array.from(this.actions.children, (b) => b.textContent).join();
    if (now !== buttons.map((b) => b.textContent).join()) fill(this.actions, ...buttons);
  }

  /** The listeners show the outcome; the button only reports a refusal. */
  private button(label: string, action: () => Promise<unknown>, kind = ""): HTMLButtonElement {
    const button = h("button", { type: "button", class: kind }, label);
    button.addEventListener("click", () => {
      button.disabled = true;
      this.problem.textContent = "";
      action()
        .catch((err: unknown) => {
          this.problem.textContent = actionMessage(err);
        })
        .finally(() => {
          button.disabled = false;
        });
    });
    return button;
  }

  get createdAtMs(): number {
    // A creation whose server timestamp is not in yet is the newest.
    return millisOf(this.creation.createdAt) ?? Number.MAX_SAFE_INTEGER;
  }
}
