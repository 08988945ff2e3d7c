import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

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
