import { ConcurrencyError } from "../concurrency.js";
import { remainingStoreBudgetMs } from "./deadline.js";

export { ConcurrencyError };

export interface ContentionOptions {
  /** How long to keep trying while others win the race (ms): time, never a count, ends the tries. */
  readonly withinMs?: number;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** What the last try needs of the turn's budget: one ETag write and its read. */
const lastTryMs = 500;

/** Long enough for a crowd of writers to take their turns, short enough to answer within Teams' wait. */
export const contentionDeadlineMs = 6_000;

/**
 * Runs `attempt` again whenever it lost an ETag race (ConcurrencyError), after a pause that
 * grows and is jittered so that the writers who collided do not collide again in step. Only
 * the deadline ends the tries; any other error ends them at once.
 */
export async function retryWhileContended<T>(
  attempt: () => Promise<T>,
  { withinMs = contentionDeadlineMs, random = Math.random, now = Date.now }: ContentionOptions = {},
): Promise<T> {
  // Within the turn's store budget too, leaving room for the last try to be answered.
  const left = remainingStoreBudgetMs();
  const deadline = now() + Math.min(withinMs, left === undefined ? Infinity : left - lastTryMs);
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      const pause = contentionPauseMs(tries, random);
      if (now() + pause >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** Full jitter over a ceiling that doubles from 10 ms to 400 ms. */
export function contentionPauseMs(tries: number, random: () => number): number {
  const ceiling = Math.min(10 * 2 ** tries, 400);
  return Math.round(random() * ceiling);
}
