import { AsyncLocalStorage } from "node:async_hooks";

/** The work a turn asked for that waits until its answer has gone (the outbox's delivery). */
interface TurnEnd {
  readonly waiting: (() => void)[];
  ended: boolean;
}

const turns = new AsyncLocalStorage<TurnEnd>();

/**
 * Runs `start` once the current turn's answer has been sent, so that work it queued (posting
 * and updating cards) does not slow the answer the person waits for; at once outside a turn, or
 * when the turn has already answered (background work it left behind).
 */
export function afterTurn(start: () => void): void {
  const turn = turns.getStore();
  if (turn && !turn.ended) turn.waiting.push(start);
  else start();
}

/** Runs a turn (`work`), sends its answer (`answer`), then what it left for after (`afterTurn`). */
export async function answerThenCarryOn<T>(
  work: () => Promise<T>,
  answer: (result: T) => void,
): Promise<void> {
  const turn: TurnEnd = { waiting: [], ended: false };
  try {
    answer(await turns.run(turn, work));
  } finally {
    turn.ended = true;
    for (const start of turn.waiting.splice(0)) start();
  }
}
