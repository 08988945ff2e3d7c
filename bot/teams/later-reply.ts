import { setTimeout as sleep } from "node:timers/promises";
import { TurnContext, type CloudAdapter } from "botbuilder";
import { afterTurn } from "../after-turn.js";
import { withinDeadline } from "../outbox/outbox.js";
import { outsideTurn } from "../store/deadline.js";
import { withoutConnectorRetries } from "./delivery.js";
import { send } from "./dispatch.js";
import { failureMessage } from "./failure-message.js";
import type { Reply, Turn } from "./route.js";

/**
 * Work too long for a turn (Teams waits about 15 s): it starts once the turn's answer has gone
 * (`afterTurn`), outside the turn's store budget, and its reply is posted to the same chat
 * proactively (the turn's conversation reference). Not through the outbox: what it posts is an
 * answer to the person's own action, which they can repeat (each step it makes is safe to
 * repeat). Each activity Teams refused before posting it (throttled, or not reached) is tried
 * again a few times; the last refusal reaches the adapter's turn error (logged). A send Teams
 * does not answer within `OUTBOX_CLAIM_SECONDS` is given up (the connector sets no timeout), so
 * closing the app, which asks the jobs to stop (`stopping`) and waits for their replies, ends.
 */

/** The jobs of one adapter (one app): what they have been asked, and those not yet done. */
interface LaterJobs {
  readonly stop: AbortController;
  readonly running: Set<Promise<void>>;
}

const jobsByAdapter = new WeakMap<object, LaterJobs>();

function jobsOf(adapter: object): LaterJobs {
  let jobs = jobsByAdapter.get(adapter);
  if (!jobs) {
    jobs = { stop: new AbortController(), running: new Set() };
    jobsByAdapter.set(adapter, jobs);
  }
  return jobs;
}

/** Tells the adapter's jobs to stop at their next step and waits until each has posted its reply. */
export async function finishLaterReplies(adapter: CloudAdapter): Promise<void> {
  const jobs = jobsOf(adapter);
  jobs.stop.abort();
  await Promise.allSettled([...jobs.running]);
}

/** Delays before trying a refused post again (Teams' throttling asks for seconds). */
const retryDelaysMs = [1000, 2000, 4000];

/**
 * A refusal that may pass if asked again and cannot have posted: throttled (429), or Teams not
 * reached. A 5xx, a dropped connection or no answer may come after Teams posted the activity:
 * asking again could post it twice, so it is not retried (the person can repeat their action).
 */
function isPassing(error: unknown): boolean {
  const { statusCode, code } = error as { statusCode?: number; code?: string };
  return statusCode === 429 || code === "ECONNREFUSED";
}

/** Sends (`post`), trying again after a refusal that may pass; the last refusal is thrown. */
async function withRetries<T>(post: () => Promise<T>, log: Turn["log"], what: string): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await post();
    } catch (error) {
      const delay = retryDelaysMs[attempt];
      if (delay === undefined || !isPassing(error)) throw error;
      log("later.reply.retrying", {
        what,
        attempt: attempt + 1,
        error: error instanceof Error ? error.message : String(error),
      });
      await sleep(delay);
    }
  }
}

export function replyAfterTurn(
  turn: Turn,
  what: string,
  work: (stopping: AbortSignal) => Promise<Reply>,
): void {
  const reference = TurnContext.getConversationReference(turn.context.activity);
  const adapter = turn.context.adapter as CloudAdapter;
  const appId = turn.services.config.bot.appId ?? "";
  const sendDeadlineMs = turn.services.config.outboxClaimMs;
  const { log } = turn;
  const jobs = jobsOf(adapter);
  let done!: () => void;
  const job = new Promise<void>((resolve) => (done = resolve));
  jobs.running.add(job);
  void job.then(() => jobs.running.delete(job));
  afterTurn(() => {
    void outsideTurn(async () => {
      let reply: Reply;
      try {
        reply = await work(jobs.stop.signal);
      } catch (error) {
        log("later.failed", { what, error: error instanceof Error ? error.message : String(error) });
        reply = { text: failureMessage(error) };
      }
      try {
        await adapter.continueConversationAsync(appId, reference, (context) => {
          withoutConnectorRetries(context);
          // Each activity is tried again on its own (one already posted is not sent again).
          context.onSendActivities((_context, _activities, next) =>
            withRetries(() => withinDeadline(next(), sendDeadlineMs), log, what),
          );
          return send(context, reply);
        });
      } catch (error) {
        log("later.reply.failed", { what, error: error instanceof Error ? error.message : String(error) });
      }
    }).finally(done);
  });
}
