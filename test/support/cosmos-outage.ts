import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../bot/store/embedded.js";
import { startHarness, type Harness } from "./harness.js";

/**
 * A loopback proxy in front of a Cosmos DB emulator that can play Cosmos going away: while
 * `down`, every request is answered 503 Service Unavailable, as Cosmos answers in an outage.
 */
export class CosmosOutage {
  down = false;
  /** While set, only requests whose path this matches are refused (one container away, say). */
  downFor: RegExp | undefined;
  private server: Server | undefined;

  constructor(private readonly target: string) {}

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      if (this.down || (this.downFor?.test(req.url ?? "") ?? false)) {
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: "ServiceUnavailable", message: "Cosmos DB is away (test outage)" }));
        return;
      }
      const forwarded = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on("error", () => res.destroy());
      req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", () => resolve()));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** An embedded Cosmos DB with an outage proxy in front of it, both started; `stop` ends both. */
export interface CosmosBehindOutage {
  readonly cosmos: EmbeddedCosmos;
  readonly outage: CosmosOutage;
  /** The bot's settings to reach Cosmos through the proxy. */
  readonly environment: { COSMOS_ENDPOINT: string; COSMOS_KEY: string };
  stop(): Promise<void>;
}

export async function startCosmosBehindOutage(): Promise<CosmosBehindOutage> {
  const cosmos = await startEmbeddedCosmos();
  const outage = new CosmosOutage(cosmos.endpoint);
  await outage.start();
  return {
    cosmos,
    outage,
    environment: { COSMOS_ENDPOINT: outage.endpoint, COSMOS_KEY: cosmos.key },
    async stop() {
      await outage.stop();
      await cosmos.close();
    },
  };
}

/** A harness whose bot reaches its own Cosmos DB through an outage proxy. */
export type HarnessBehindOutage = Harness & Pick<CosmosBehindOutage, "cosmos" | "outage">;

/**
 * Starts the bot on a Cosmos DB of its own behind an outage proxy (`env` and `options` as for
 * `startHarness`). `close` brings the store back first (so the bot's closing is not held by an
 * outage a test left on), closes the bot, then stops the proxy and the store.
 */
export async function startHarnessBehindOutage(
  env: Parameters<typeof startHarness>[0] = {},
  options: Parameters<typeof startHarness>[1] = {},
): Promise<HarnessBehindOutage> {
  const store = await startCosmosBehindOutage();
  const h = await startHarness({ ...store.environment, ...env }, options);
  return {
    ...h,
    cosmos: store.cosmos,
    outage: store.outage,
    async close() {
      store.outage.down = false;
      store.outage.downFor = undefined;
      await h.close();
      await store.stop();
    },
  };
}
