import type { CloudAdapter, TurnContext } from "botbuilder";
import restify from "restify";
import type { Log } from "../log.js";

export interface ServerParts {
  readonly adapter: CloudAdapter;
  readonly runTurn: (context: TurnContext) => Promise<void>;
  /** True once the case store answers. */
  readonly isReady: () => Promise<boolean>;
  readonly log: Log;
}

export function createServer({ adapter, runTurn, isReady, log }: ServerParts): restify.Server {
  const server = restify.createServer({ name: "cme-referrals", handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));

  server.post("/api/messages", async (req, res) => {
    if (!(await isReady())) {
      res.send(503, { error: "starting: the case store is not reachable yet" });
      return;
    }
    try {
      await adapter.process(req, res, runTurn);
    } catch (error) {
      log("messages.failed", { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) res.send(500);
    }
  });

  server.get("/healthz", async (_req, res) => {
    const ready = await isReady();
    res.send(ready ? 200 : 503, {
      status: ready ? "ok" : "unavailable",
      cosmos: ready ? "reachable" : "not reachable",
    });
  });

  return server;
}
