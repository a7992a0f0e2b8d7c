/**
 * The worker's timeout, declared once: the task functions' `timeoutSeconds` and the
 * `dispatchDeadlineSeconds` of every enqueue (Cloud Tasks must not give up on a delivery,
 * and retry it, while it still runs). A leaf module: the entry point loads it at cold start.
 */
export const WORKER_TIMEOUT_SECONDS = 540;
