/**
 * The timing and throughput the functions apply at run time: the params (whose defaults are
 * production's) with every duration divided by the time scale and every rate multiplied by
 * it; counts never change. Read in one place, so the local profiles are checked to differ from
 * production in time only (checks/local-profile.test.ts), and the code paths that divide by
 * the scale do it the same way.
 */
import { DISPATCH_DEADLINE_SECONDS, WORKER_TIMEOUT_SECONDS } from "./deployment";
import {
  admissionFinishBudgetSeconds,
  leaseSeconds,
  maxActiveCreations,
  pollIntervalSeconds,
  startMaxConcurrent,
  sweepHardLimitSeconds,
  sweepStaleAfterSeconds,
  taskMaxAttempts,
  taskMaxBackoffSeconds,
  taskMinBackoffSeconds,
  veoStartsPerMinute,
} from "./params";
import { SWEEP_EVERY_SECONDS } from "./production";
import { loadTimeScale, timeScale } from "./time-scale";
import { taskRetryWindowMs, type SweepThresholds } from "../domain/sweep";

export interface Schedule {
  /** Durations, in milliseconds at the current scale. */
  ms: {
    taskMinBackoff: number;
    taskMaxBackoff: number;
    pollInterval: number;
    lease: number;
    sweepStaleAfter: number;
    sweepHardLimit: number;
    sweepEvery: number;
    admissionFinishBudget: number;
    workerTimeout: number;
    dispatchDeadline: number;
  };
  /** Rates, per minute at the current scale. */
  perMinute: { starts: number };
  /** Counts: not time, the same in every profile. */
  counts: { taskMaxAttempts: number; startMaxConcurrent: number; maxActiveCreations: number };
}

export function schedule(): Schedule {
  const scale = timeScale();
  const ms = (seconds: number) => (seconds * 1000) / scale;
  return {
    ms: {
      taskMinBackoff: ms(taskMinBackoffSeconds.value()),
      taskMaxBackoff: ms(taskMaxBackoffSeconds.value()),
      pollInterval: ms(pollIntervalSeconds.value()),
      lease: ms(leaseSeconds.value()),
      sweepStaleAfter: ms(sweepStaleAfterSeconds.value()),
      sweepHardLimit: ms(sweepHardLimitSeconds.value()),
      sweepEvery: ms(SWEEP_EVERY_SECONDS),
      admissionFinishBudget: ms(admissionFinishBudgetSeconds.value()),
      workerTimeout: ms(WORKER_TIMEOUT_SECONDS),
      dispatchDeadline: ms(DISPATCH_DEADLINE_SECONDS),
    },
    perMinute: { starts: veoStartsPerMinute.value() * scale },
    counts: {
      taskMaxAttempts: taskMaxAttempts.value(),
      startMaxConcurrent: startMaxConcurrent.value(),
      maxActiveCreations: maxActiveCreations.value(),
    },
  };
}

/**
 * Whole seconds for the options that take them (a task's dispatch deadline, a function's
 * timeout), rounded up so a scaled limit is never shorter than the scaled duration.
 */
export const wholeSeconds = (ms: number): number => Math.ceil(ms / 1000);

/** The worker's timeout as declared to the emulator at load time (params have no values yet). */
export const workerTimeoutSecondsAtLoad = (): number =>
  Math.ceil(WORKER_TIMEOUT_SECONDS / loadTimeScale());

/** The sweeper's thresholds under a schedule (the scheduled sweeper, sweepNow, the tests' sweeper). */
export const sweepThresholds = ({
  ms,
  perMinute,
  counts,
}: Schedule): Required<SweepThresholds> => ({
  staleAfterMs: ms.sweepStaleAfter,
  hardLimitMs: ms.sweepHardLimit,
  startsPerMinute: perMinute.starts,
  taskRetryWindowMs: taskRetryWindowMs({
    maxAttempts: counts.taskMaxAttempts,
    minBackoffMs: ms.taskMinBackoff,
    maxBackoffMs: ms.taskMaxBackoff,
    dispatchDeadlineMs: ms.dispatchDeadline,
  }),
});
