import { isStoreUnavailable } from '@ablate/store';

/** How a job rides out a PostgreSQL outage. */
export interface OutagePolicy {
  /** Longest outage waited out before the job fails, ms (ABLATE_OUTAGE_BUDGET_MS). */
  budgetMs: number;
  /** Resolves when the store answers again. */
  ping(): Promise<void>;
  /** Told once per outage, for the log. */
  onOutage?(error: unknown): void;
  sleep?(ms: number): Promise<void>;
}

/** The store was unreachable for longer than the budget: the job fails with this as its reason. */
export class OutageBudgetExceededError extends Error {
  override readonly name = 'OutageBudgetExceededError';
  constructor(seconds: number, cause: unknown) {
    super(`PostgreSQL unreachable for ${seconds} s, longer than the outage budget (ABLATE_OUTAGE_BUDGET_MS); last error: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work`; when it fails because PostgreSQL is unreachable, waits with exponential backoff
 * (0.25 s doubling to 5 s) until the store answers and runs `work` again — a train run then
 * resumes from its latest checkpoint within the same job attempt, so an outage consumes none of
 * the run's attempts. Other errors pass through. After `budgetMs` of outage, throws
 * OutageBudgetExceededError.
 */
export async function rideOutStoreOutages<T>(work: () => Promise<T>, policy: OutagePolicy): Promise<T> {
  const sleep = policy.sleep ?? defaultSleep;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (!isStoreUnavailable(err)) throw err;
      policy.onOutage?.(err);
      await waitForStore(policy, sleep, err);
    }
  }
}

async function waitForStore(policy: OutagePolicy, sleep: (ms: number) => Promise<void>, cause: unknown): Promise<void> {
  const started = Date.now();
  let delay = 250;
  let last = cause;
  for (;;) {
    const waited = Date.now() - started;
    if (waited >= policy.budgetMs) throw new OutageBudgetExceededError(Math.round(waited / 1000), last);
    await sleep(Math.min(delay, policy.budgetMs - waited));
    delay = Math.min(delay * 2, 5000);
    try {
      await policy.ping();
      return;
    } catch (err) {
      if (!isStoreUnavailable(err)) throw err;
      last = err;
    }
  }
}
