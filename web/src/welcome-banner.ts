/**
 * The welcome grant of an email account waits for a verified address (WELCOME_REQUIRE_VERIFIED_EMAIL):
 * this banner says so, resends the link, and claims the grant once the user has followed it.
 * On the local stack the Auth emulator sends no mail; its inbox is read instead.
 */
import { applyActionCode, sendEmailVerification, type Auth, type User } from "firebase/auth";
import { claimWelcomeGrant } from "../../client";
import { h } from "./dom";
import type { Sdk } from "./firebase";
import { actionMessage } from "./messages";

export interface WelcomeBanner {
  el: HTMLElement;
  /** users/{uid}.welcomeStatus as the listener sees it. */
  setStatus(status: string | undefined): void;
}

const STATUS_TEXT: Record<string, string | undefined> = {
  "email-not-verified": "Verify your email address to receive your welcome tokens.",
  "budget-exhausted": "Today's welcome tokens are all given away. Come back tomorrow.",
};

export function welcomeBanner(sdk: Sdk, user: User): WelcomeBanner {
  const text = h("p", { class: "strong" });
  const detail = h("p", { class: "muted small" });
  const problem = h("p", { class: "error", role: "alert" });
  const actions = h("div", { class: "actions" });
  const el = h(
    "aside",
    { class: "banner", "data-testid": "welcome", hidden: true },
    text,
    detail,
    problem,
    actions,
  );

  const busy = (button: HTMLButtonElement, work: () => Promise<void>) => {
    button.addEventListener("click", () => {
      button.disabled = true;
      problem.textContent = "";
      work()
        .catch((err: unknown) => {
          problem.textContent = actionMessage(err);
        })
        .finally(() => (button.disabled = false));
    });
    return button;
  };

  const claim = async () => {
    // The callable reads email_verified from the ID token: refresh it first.
    await user.reload();
    if (!user.emailVerified) {
      problem.textContent = "Not verified yet: open the link in the mail first.";
      return;
    }
    await user.getIdToken(true);
    const result = await claimWelcomeGrant(sdk.functions);
    // On success the user document's listener hides the banner and shows the balance.
    if (!result.granted && result.reason !== "already-granted") {
      problem.textContent =
        STATUS_TEXT[result.reason ?? ""] ?? "No welcome tokens for this account.";
    }
  };

  actions.append(
    busy(h("button", { type: "button" }, "I have verified it"), claim),
    busy(h("button", { type: "button", class: "secondary" }, "Send the link again"), async () => {
      await sendEmailVerification(user);
      detail.textContent = `A new link is on its way to ${user.email ?? "your address"}.`;
    }),
  );
  if (sdk.local) {
    actions.append(
      busy(
        h("button", { type: "button", class: "secondary" }, "Verify with the Auth emulator"),
        async () => {
          await verifyFromEmulatorInbox(sdk.auth, user, sdk.emulatorInbox!);
          await claim();
        },
      ),
    );
  }

  return {
    el,
    setStatus(status) {
      const message = status ? STATUS_TEXT[status] : undefined;
      el.hidden = !message;
      text.textContent = message ?? "";
      detail.textContent =
        status === "email-not-verified" ? `We sent a link to ${user.email ?? "your address"}.` : "";
      actions.hidden = status !== "email-not-verified";
    },
  };
}

interface OobCode {
  email: string;
  requestType: string;
  oobCode: string;
}

/** The local stand-in for opening the mail: the Auth emulator lists the codes it "sent". */
async function verifyFromEmulatorInbox(auth: Auth, user: User, inboxUrl: string): Promise<void> {
  const { oobCodes = [] } = (await (await fetch(inboxUrl)).json()) as { oobCodes?: OobCode[] };
  const mail = oobCodes.findLast((c) => c.email === user.email && c.requestType === "VERIFY_EMAIL");
  if (!mail) throw new Error("no verification mail in the Auth emulator's inbox");
  await applyActionCode(auth, mail.oobCode);
}
