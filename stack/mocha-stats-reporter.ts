// Mocha's spec output on the console, plus the run's counts written to a JSON file
// (`--reporter-option statsFile=…`): mocha 11 cannot run two reporters at once and
// scraping the spec text for counts is fragile.
import { writeFileSync } from "node:fs";
import Mocha from "mocha";

interface MochaStats {
  passes: number;
  failures: number;
  pending: number;
  tests: number;
  duration?: number;
}

class StatsReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    const file = (options.reporterOptions as { statsFile?: string } | undefined)?.statsFile;
    if (!file) throw new Error("mocha-stats-reporter needs --reporter-option statsFile=<path>");
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending, tests, duration } = runner.stats ?? ({} as Mocha.Stats);
      const stats: MochaStats = { passes, failures, pending, tests, duration };
      writeFileSync(file, JSON.stringify(stats));
    });
  }
}

export = StatsReporter;
