/**
 * The signed-in page: the live balance (`users/{uid}`), the generate form, the user's videos,
 * the ledger and the public feed. Every listener stops on sign-out.
 */
import { signOut, type User } from "firebase/auth";
import { onSnapshot } from "firebase/firestore";
import { h } from "./dom";
import { creationsView } from "./creations-view";
import { feedView } from "./feed-view";
import type { Sdk } from "./firebase";
import { generateForm } from "./generate-form";
import { ledgerView } from "./ledger-view";
import { tokens } from "./messages";
import { userDoc } from "./reads";
import type { View } from "./view";
import { welcomeBanner } from "./welcome-banner";

export function studioView(sdk: Sdk, user: User): View {
  const balance = h(
    "span",
    { class: "balance", "data-testid": "balance", "aria-live": "polite" },
    "…",
  );
  // The form follows what it queues; a finished card hands its last frame back to the form.
  const mine = creationsView(sdk.db, sdk.functions, user.uid, (id) => form.continueFrom(id));
  const form = generateForm(sdk.functions, (queued) => mine.follow(queued.creationId));
  const ledger = ledgerView(sdk.db, user.uid);
  const feed = feedView(sdk.db);
  const welcome = welcomeBanner(sdk, user);

  // The welcome grant arrives a moment after sign-up (an Auth trigger writes users/{uid}).
  const stopBalance = onSnapshot(
    userDoc(sdk.db, user.uid),
    (snap) => {
      const value: unknown = snap.get("tokenBalance");
      const known = typeof value === "number" ? value : undefined;
      balance.textContent = known === undefined ? "setting up your account…" : tokens(known);
      balance.dataset.value = known === undefined ? "" : String(known);
      form.setBalance(known);
      const status: unknown = snap.get("welcomeStatus");
      welcome.setStatus(typeof status === "string" ? status : undefined);
    },
    (err) => {
      balance.textContent = `balance unavailable (${err.message})`;
    },
  );

  const account = h(
    "div",
    { class: "account" },
    h("span", { class: "muted small email" }, user.email ?? user.uid),
    balance,
    h(
      "button",
      { type: "button", class: "secondary small", onclick: () => void signOut(sdk.auth) },
      "Sign out",
    ),
  );
  const el = h(
    "div",
    { class: "studio" },
    h("header", { class: "top" }, h("h1", {}, "Phoenix Studio"), account),
    h(
      "main",
      { class: "grid" },
      welcome.el,
      h("div", { class: "column" }, form.el, mine.el),
      h("div", { class: "column" }, feed.el, ledger.el),
    ),
  );
  const views = [form, mine, ledger, feed];
  return {
    el,
    stop() {
      stopBalance();
      for (const view of views) view.stop();
    },
  };
}
