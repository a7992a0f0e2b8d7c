// Which rules apply to a project, as in the official emulator: rules loaded at start (from a
// file) apply to every project; rules PUT for one project (what @firebase/rules-unit-testing
// does) replace them for that project. With no rules at all, every request is allowed.
import { Ruleset } from "./ruleset";

export class RulesRegistry {
  private fallback: Ruleset | null = null;
  private readonly perProject = new Map<string, Ruleset>();

  forProject(project: string): Ruleset | null {
    return this.perProject.get(project) ?? this.fallback;
  }

  /** Rules for every project without rules of its own (the emulator's startup rules). */
  setDefault(source: string): Ruleset {
    this.fallback = Ruleset.load(source);
    return this.fallback;
  }

  setForProject(project: string, source: string): Ruleset {
    const rules = Ruleset.load(source);
    this.perProject.set(project, rules);
    return rules;
  }
}

/** `projects/p/databases/d/documents/…` → p. */
export const projectOf = (name: string): string => name.split("/")[1] ?? "";
