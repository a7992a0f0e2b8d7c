/** The welcome policy as the params set it (read at run time, never at load time). */
import type { WelcomePolicy } from "../domain/welcome-policy";
import {
  welcomeDailyBudgetTokens,
  welcomeRequireVerifiedEmail,
  welcomeTokens,
  welcomeTrustedProviders,
} from "./params";

export function welcomePolicy(): WelcomePolicy {
  return {
    tokens: welcomeTokens.value(),
    requireVerifiedEmail: welcomeRequireVerifiedEmail.value(),
    trustedProviders: welcomeTrustedProviders
      .value()
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean),
    dailyBudgetTokens: welcomeDailyBudgetTokens.value(),
  };
}
