/** Sign up or sign in with email and password (the Auth emulator locally). */
import {
  createUserWithEmailAndPassword,
  sendEmailVerification,
  signInWithEmailAndPassword,
  type Auth,
} from "firebase/auth";
import { h } from "./dom";
import { authMessage } from "./messages";
import type { View } from "./view";

export function authView(auth: Auth): View {
  const email = h("input", {
    id: "email",
    type: "email",
    name: "email",
    autocomplete: "email",
    required: true,
  });
  const password = h("input", {
    id: "password",
    type: "password",
    name: "password",
    autocomplete: "current-password",
    minlength: 6,
    required: true,
  });
  const error = h("p", { class: "error", role: "alert", "data-error-for": "auth" });
  const signUp = h("button", { type: "submit", value: "up" }, "Create account");
  const signIn = h("button", { type: "submit", value: "in", class: "secondary" }, "Sign in");

  const form = h(
    "form",
    { class: "card auth", novalidate: true },
    h("h2", {}, "Welcome"),
    h(
      "p",
      { class: "muted" },
      "New accounts get free tokens for their first videos once the email address is verified.",
    ),
    h("label", { for: "email" }, "Email"),
    email,
    h("label", { for: "password" }, "Password"),
    password,
    error,
    h("div", { class: "actions" }, signUp, signIn),
  );
  form.addEventListener("submit", (event: SubmitEvent) => {
    event.preventDefault();
    const creating = (event.submitter as HTMLButtonElement | null)?.value !== "in";
    error.textContent = "";
    signUp.disabled = signIn.disabled = true;
    const attempt = creating
      ? createUserWithEmailAndPassword(auth, email.value.trim(), password.value).then(
          // The welcome grant waits for a verified address: send the link at once.
          ({ user }) => sendEmailVerification(user),
        )
      : signInWithEmailAndPassword(auth, email.value.trim(), password.value);
    // On success the auth state listener replaces this view.
    attempt
      .catch((err: unknown) => {
        error.textContent = authMessage(err);
      })
      .finally(() => {
        signUp.disabled = signIn.disabled = false;
      });
  });
  return {
    el: h("main", { class: "narrow" }, h("h1", { class: "brand" }, "Phoenix Studio"), form),
    stop: () => undefined,
  };
}
