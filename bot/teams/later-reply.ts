import { TurnContext, type CloudAdapter } from "botbuilder";
import { afterTurn } from "../after-turn.js";
import { outsideTurn } from "../store/deadline.js";
import { send } from "./dispatch.js";
import { failureMessage } from "./failure-message.js";
import type { Reply, Turn } from "./route.js";

/**
 * Work too long for a turn (Teams waits about 15 s): it starts once the turn's answer has gone
 * (`afterTurn`), outside the turn's store budget, and its reply is posted to the same chat
 * proactively (the turn's conversation reference). Not through the outbox: what it posts is an
 * answer to the person's own action, which they can repeat (each step it makes is safe to
 * repeat); a post Teams refuses is logged.
 */
export function replyAfterTurn(turn: Turn, what: string, work: () => Promise<Reply>): void {
  const reference = TurnContext.getConversationReference(turn.context.activity);
  const adapter = turn.context.adapter as CloudAdapter;
  const appId = turn.services.config.bot.appId ?? "";
  const { log } = turn;
  afterTurn(() => {
    void outsideTurn(async () => {
      let reply: Reply;
      try {
        reply = await work();
      } catch (error) {
        log("later.failed", { what, error: error instanceof Error ? error.message : String(error) });
        reply = { text: failureMessage(error) };
      }
      try {
        await adapter.continueConversationAsync(appId, reference, (context) => send(context, reply));
      } catch (error) {
        log("later.reply.failed", { what, error: error instanceof Error ? error.message : String(error) });
      }
    });
  });
}
