import { createHttpServer } from "@vercel/cosmosdb-server";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface EmbeddedCosmos {
  readonly endpoint: string;
  readonly key: string;
  close(): Promise<void>;
}

/**
 * A Cosmos DB protocol server in this process, in memory, on loopback. Plain HTTP: it is
 * only ever reached from this process. `onRequest` sees each request as it arrives (the bench
 * counts them); nothing passes one in the bot.
 */
export async function startEmbeddedCosmos(
  port = 0,
  onRequest?: (request: IncomingMessage) => void,
): Promise<EmbeddedCosmos> {
  const server = createHttpServer();
  if (onRequest) server.prependListener("request", onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    key: "local-embedded-cosmos",
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
