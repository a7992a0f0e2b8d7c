/** Sign-up: the user document with the welcome grant, exactly once; existing users are left alone. */
import { welcomeTokens } from "../config/params";
import { ensureUser } from "../adapters/user-store";
import { logs } from "../logs";

export async function welcomeUser(user: { uid: string }): Promise<void> {
  const grant = welcomeTokens.value();
  const created = await ensureUser(user.uid, grant);
  logs.userCreated(user.uid, created, created ? grant : 0);
}
