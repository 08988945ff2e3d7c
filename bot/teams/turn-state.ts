import type { TurnContext } from "botbuilder";

/** Asked once in a turn, whoever asks: the first ask's promise is kept on the turn (not a failed one). */
export function onceInTurn<T>(context: TurnContext, key: string, ask: () => Promise<T>): Promise<T> {
  const kept = context.turnState.get<Promise<T> | undefined>(key);
  if (kept) return kept;
  const asked = ask();
  context.turnState.set(key, asked);
  asked.catch(() => context.turnState.delete(key));
  return asked;
}
