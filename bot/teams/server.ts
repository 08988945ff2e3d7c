import type { CloudAdapter, TurnContext } from "botbuilder";
import restify from "restify";
import { inTurn, type Log } from "../log.js";
import { withStoreBudget } from "../store/deadline.js";

export interface ServerParts {
  readonly adapter: CloudAdapter;
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
}: ServerParts): restify.Server {
  const allowed = rateLimit(messagesPerSecond);
  const server = restify.createServer({ name: "cme-referrals", handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));

  server.post("/api/messages", async (req, res) => {
    if (!allowed()) {
      log("messages.throttled", {});
      res.header("Retry-After", "1");
      res.send(429, { error: "too many requests: try again in a second" });
      return;
    }
    // No readiness check here: the server listens only once the store has opened, and a store
    // that stops answering later is told to the person by the turn itself, within its budget.
    try {
      await inTurn(() =>
        withStoreBudget(storeDeadlineMs, 2 * storeDeadlineMs, () => adapter.process(req, res, runTurn)),
      );
    } catch (error) {
      log("messages.failed", { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) res.send(500);
    }
  });

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
