import http from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy knows of a request when deciding whether to hold it. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  /** A query (Cosmos' queries are POSTs to a container's docs, as creates are). */
  readonly query: boolean;
}

/**
 * Cosmos behind a loopback HTTP proxy that can be made to fail as a network does: hold
 * requests (the store "hangs": they go on to Cosmos, late, when released), or refuse
 * connections (nothing listens). The bot talks to it through COSMOS_ENDPOINT.
 */
export interface CosmosProxy {
  readonly endpoint: string;
  /** Holds every request from now on. */
  pause(): void;
  /** Holds only the requests this matches. */
  hold(matches: (request: ProxiedRequest) => boolean): void;
  /** Passes every request on after this long (a slow but working store); 0 for no delay. */
  slow(delayMs: number): void;
  /**
   * The next request this matches goes on to Cosmos, but its answer never comes back (the
   * connection hangs after the write landed). Resolves once Cosmos has answered it.
   */
  loseNextAnswer(matches: (request: ProxiedRequest) => boolean): Promise<void>;
  /** Stops listening and drops every connection: new ones are refused. */
  refuse(): Promise<void>;
  /** Passes requests again; held ones go on to Cosmos now (late). Resolves once Cosmos answered them. */
  resume(): Promise<void>;
  /** How many requests are held now. */
  held(): number;
  close(): Promise<void>;
}

interface Held {
  readonly request: http.IncomingMessage;
  readonly body: Buffer;
  readonly response: http.ServerResponse;
}

export async function startCosmosProxy(target: string): Promise<CosmosProxy> {
  const upstream = new URL(target);
  let holding: ((request: ProxiedRequest) => boolean) | undefined;
  let waiting: Held[] = [];
  let delayMs = 0;
  let losing: { matches: (request: ProxiedRequest) => boolean; landed: () => void } | undefined;

  const forward = ({ request, body, response }: Held, answers = true) =>
    new Promise<void>((resolve) => {
      const outgoing = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, host: upstream.host },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("end", () => {
            // The bot may have given up on it long ago: then the answer goes nowhere.
            if (answers && !response.destroyed && !response.headersSent) {
              response.writeHead(answer.statusCode ?? 502, answer.headers);
              response.end(Buffer.concat(chunks));
            }
            resolve();
          });
        },
      );
      outgoing.on("error", () => {
        if (!response.destroyed) response.destroy();
        resolve();
      });
      outgoing.end(body);
    });

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const held: Held = { request, body: Buffer.concat(chunks), response };
      const seen = {
        method: request.method ?? "GET",
        path: request.url ?? "/",
        query: request.headers["x-ms-documentdb-isquery"] === "true",
      };
      const lost = losing?.matches(seen) ? losing : undefined;
      if (lost) {
        losing = undefined;
        void forward(held, false).then(lost.landed);
      } else if (holding?.(seen)) waiting.push(held);
      else if (delayMs > 0) setTimeout(() => void forward(held), delayMs);
      else void forward(held);
    });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  let refused = false;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    pause() {
      holding = () => true;
    },
    hold(matches) {
      holding = matches;
    },
    slow(ms) {
      delayMs = ms;
    },
    loseNextAnswer(matches) {
      return new Promise<void>((landed) => {
        losing = { matches, landed };
      });
    },
    async refuse() {
      refused = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    async resume() {
      holding = undefined;
      if (refused) {
        refused = false;
        await listen(port);
      }
      const released = waiting;
      waiting = [];
      await Promise.all(released.map((held) => forward(held)));
    },
    held: () => waiting.length,
    async close() {
      holding = undefined;
      for (const { response } of waiting) response.destroy();
      waiting = [];
      if (refused) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
