import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The case store did not answer in time, refused or dropped the connection, or said it is too
 * busy: nothing the call asked for may be assumed done. The Teams edge tells the person so and
 * keeps what they typed; it is never "something went wrong".
 */
export class StoreUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`the case store is unavailable: ${reason}`, options);
    this.name = "StoreUnavailableError";
  }
}

/** How long one turn's store calls may take: each call, and all of them together. */
interface Budget {
  readonly callMs: number;
  readonly endsAt: number;
  /** Set once a call failed: the store is down for the rest of the turn, so later calls fail at once. */
  failed: boolean;
}

const budgets = new AsyncLocalStorage<Budget>();

/** A write must land this long before its call's deadline: the store stamps documents (`_ts`) in whole seconds. */
const landingMarginMs = 1000;

/**
 * Runs `work` with a store budget: each store call inside gets `callMs` at most, none runs past
 * `turnMs` from now, and after one call fails the rest fail at once (so several hung calls in a
 * row cost one deadline, not several).
 */
export function withStoreBudget<T>(callMs: number, turnMs: number, work: () => Promise<T>): Promise<T> {
  return budgets.run({ callMs, endsAt: Date.now() + turnMs, failed: false }, work);
}

/** Runs `work` outside any turn's budget (background work a turn starts must outlive it). */
export function outsideTurn<T>(work: () => T): T {
  return budgets.exit(work);
}

function callDeadline(budget: Budget): number {
  return Math.min(Date.now() + budget.callMs, budget.endsAt);
}

/** A call given less time than this would be sent only to be abandoned, and might land after all. */
const shortestCallMs = 250;

/** No time left for another call: the turn is over for the store, and nothing more is sent. */
function spent(budget: Budget, reason: string): StoreUnavailableError {
  budget.failed = true;
  return new StoreUnavailableError(reason);
}

/** How long the turn's store budget has left (ms), or undefined outside a turn. */
export function remainingStoreBudgetMs(): number | undefined {
  const budget = budgets.getStore();
  return budget ? Math.max(0, budget.endsAt - Date.now()) : undefined;
}

/**
 * When a write made now must have landed to count (ISO time), or undefined outside a turn.
 * A write stamped later (`landedLate`) is read as not applied: its call had given up by then,
 * and the person was told it was not saved.
 */
export function mustLandByNow(): string | undefined {
  const budget = budgets.getStore();
  if (!budget) return undefined;
  const mustLandBy = callDeadline(budget) - landingMarginMs;
  // Too little time to land in: the write would be judged late however fast the store is.
  if (mustLandBy - Date.now() < shortestCallMs)
    throw spent(budget, "too little time left in this turn to save");
  return new Date(mustLandBy).toISOString();
}

/** The same pure test for the writer (on the response) and for every reader (on the stored document). */
export function landedLate(document: { readonly _ts?: number; readonly mustLandBy?: string }): boolean {
  return (
    document._ts !== undefined &&
    document.mustLandBy !== undefined &&
    document._ts * 1000 > Date.parse(document.mustLandBy)
  );
}

const connectionFailures = new Set<unknown>([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "REQUEST_SEND_ERROR",
  // The SDK's own request timeout.
  "TimeoutError",
  // Cosmos itself: request timeout, throttled (after the SDK's retries), unavailable.
  408,
  429,
  503,
]);

/** True for the failures that mean "the store is not reachable now", as opposed to a refusal of the request. */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const { code, name, cause } = (error ?? {}) as { code?: unknown; name?: unknown; cause?: unknown };
  if (connectionFailures.has(code) || name === "TimeoutError") return true;
  return cause !== undefined && cause !== error && isUnreachable(cause);
}

function unavailable(error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const { code, name } = (error ?? {}) as { code?: string | number; name?: string };
  return new StoreUnavailableError(String(code ?? name ?? "unreachable"), { cause: error });
}

/**
 * One call to the store, under the turn's budget when there is one (outside a turn the client's
 * own request timeout bounds it). The call gets an abort signal, and the answer does not wait for
 * the client to notice it: the SDK sleeps between its retries.
 */
export async function storeCall<T>(call: (abortSignal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  const budget = budgets.getStore();
  if (!budget) {
    try {
      return await call(undefined);
    } catch (error) {
      throw isUnreachable(error) ? unavailable(error) : error;
    }
  }
  if (budget.failed) throw new StoreUnavailableError("it did not answer earlier in this turn");
  const waitMs = callDeadline(budget) - Date.now();
  if (waitMs < shortestCallMs) throw spent(budget, "no time left in this turn");
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        controller.abort();
        reject(new StoreUnavailableError(`no answer within ${waitMs} ms`));
      },
      Math.max(0, waitMs),
    );
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } catch (error) {
    // Aborted by the deadline: whatever the client then threw (an AbortError), the store did not answer.
    if (!controller.signal.aborted && !isUnreachable(error)) throw error;
    budget.failed = true;
    throw unavailable(error);
  } finally {
    clearTimeout(timer);
  }
}
