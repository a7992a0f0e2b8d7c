/** Phoenix Studio: the sign-in page or the studio, following the auth state. */
import { onAuthStateChanged } from "firebase/auth";
import { authView } from "./auth-view";
import { fill, h } from "./dom";
import { connect } from "./firebase";
import { studioView } from "./studio";
import type { View } from "./view";
import "./style.css";

async function start(root: HTMLElement): Promise<void> {
  const sdk = await connect();
  if (sdk.local) document.body.dataset.local = "true";
  let current: View | undefined;
  onAuthStateChanged(sdk.auth, (user) => {
    current?.stop();
    current = user ? studioView(sdk, user) : authView(sdk.auth);
    fill(root, current.el);
  });
}

const root = document.getElementById("app")!;
start(root).catch((err: unknown) => {
  fill(
    root,
    h("p", { class: "error", role: "alert" }, `Phoenix Studio could not start: ${String(err)}`),
  );
});
