import type { Activity, TurnContext } from "botbuilder";
import type { RequestHandler, Response, Server } from "restify";
import restify from "./restify.js";
import { inTurn, type Log } from "../log.js";
import type { TeamsAdapter } from "./adapter.js";
import { inboundActivity, problemsWith } from "./inbound.js";
import { answerThenCarryOn } from "../after-turn.js";
import { withStoreBudget } from "../store/deadline.js";

export interface ServerParts {
  readonly adapter: TeamsAdapter;
  readonly runTurn: (context: TurnContext) => Promise<void>;
  /** True when the case store answers (for /readyz). */
  readonly isReady: () => Promise<boolean>;
  /** True once a CME case channel is set up (or preset). */
  readonly hasCaseChannel: () => Promise<boolean>;
  readonly log: Log;
  readonly messagesPerSecond: number;
  /** Each store call's deadline in a turn; the turn's store calls take twice this at most. */
  readonly storeDeadlineMs: number;
}

/** /readyz answers within 2 s whatever the store does. */
const readinessProbeMs = 1000;

/** A token bucket for the whole server: Bot Service sends from few addresses, so per-address limits would not help. */
function rateLimit(perSecond: number) {
  const burst = perSecond * 2;
  let tokens = burst;
  let last = Date.now();
  return (): boolean => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSecond);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

export function createServer({
  adapter,
  runTurn,
  isReady,
  hasCaseChannel,
  log,
  messagesPerSecond,
  storeDeadlineMs,
}: ServerParts): Server {
  const allowed = rateLimit(messagesPerSecond);
  const server = restify.createServer({ name: "cme-referrals", handleUncaughtExceptions: false });

  /** A request that is not an activity: a short reason to the caller, one line in the log, no stack. */
  const refuse = (res: Response, status: number, reason: string) => {
    log("messages.refused.malformed", { status, problem: reason });
    res.send(status, { error: reason });
  };

  // Bot Service sends JSON only: nothing else is read (no forms, no multipart files on disk).
  const jsonOnly: RequestHandler = (req, res, next) => {
    if (req.getContentType() !== "application/json") {
      refuse(res, 415, "the body must be a Bot Framework activity in JSON (content-type application/json)");
      return next(false);
    }
    return next();
  };

  server.post(
    "/api/messages",
    jsonOnly,
    restify.plugins.bodyReader({ maxBodySize: 256 * 1024 }),
    async (req, res) => {
      if (!allowed()) {
        log("messages.throttled", {});
        res.header("Retry-After", "1");
        res.send(429, { error: "too many requests: try again in a second" });
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(String(req.body ?? ""));
      } catch {
        refuse(res, 400, "the body is not valid JSON");
        return;
      }
      const checked = inboundActivity.safeParse(body);
      if (!checked.success) {
        refuse(res, 400, `not a Bot Framework activity (${problemsWith(checked.error)})`);
        return;
      }
      const authorization = req.header("authorization", "");
      // No readiness check here: the server listens only once the store has opened, and a store
      // that stops answering later is told to the person by the turn itself, within its budget.
      try {
        // The body as sent (the check above only reads it): botbuilder gets every field Teams sent.
        await answerThenCarryOn(
          () =>
            inTurn(() =>
              withStoreBudget(storeDeadlineMs, 2 * storeDeadlineMs, () =>
                adapter.answer(authorization, body as Activity, runTurn),
              ),
            ),
          (answer) => {
            if (answer.status === 401) log("messages.unauthenticated", {});
            res.send(answer.status, answer.body);
          },
        );
      } catch (error) {
        log("messages.failed", { error: error instanceof Error ? error.message : String(error) });
        if (!res.headersSent) res.send(500);
      }
    },
  );

  // Alive: the process answers (App Service's health check restarts it when not).
  server.get("/healthz", async (_req, res) => {
    res.send(200, { status: "ok" });
    return Promise.resolve();
  });

  // Ready for work: Cosmos DB answers and new cases have a channel to go to.
  server.get("/readyz", async (_req, res) => {
    const probeMs = Math.min(storeDeadlineMs, readinessProbeMs);
    const [cosmos, channel] = await withStoreBudget(probeMs, probeMs, () =>
      Promise.all([isReady(), hasCaseChannel().catch(() => undefined)]),
    );
    res.send(cosmos && channel ? 200 : 503, {
      status: cosmos && channel ? "ready" : "not ready",
      cosmos: cosmos ? "reachable" : "not reachable",
      caseChannel:
        channel === undefined
          ? "not known (the case store is not reachable)"
          : channel
            ? "set up"
            : "not set up (a CME manager says '@CME Referrals setup' in it)",
    });
  });

  return server;
}
