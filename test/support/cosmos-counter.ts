import type { IncomingMessage } from "node:http";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../bot/store/embedded.js";

/** What a request to Cosmos did, as the wire shows it. */
export type CosmosRequestKind = "read" | "query" | "write" | "metadata" | "account";

/** Requests counted by "kind container" (e.g. "read drafts", "write cases"; "account" alone). */
export type CosmosCounts = Map<string, number>;

/**
 * What one request of the @azure/cosmos client was: a point read (GET of a document), a query
 * (POST flagged as one, its query plan included), a write (create, upsert, replace, patch,
 * delete, batch), the container's or partition ranges' metadata, or the account (GET /).
 */
export function classify(method: string, url: string, headers: IncomingMessage["headers"]) {
  const path = url.split("?")[0] ?? "/";
  const container = /\/colls\/([^/]+)/.exec(path)?.[1];
  if (!container) return { kind: "account" as const, container: undefined };
  const onDocuments = /\/docs(\/|$)/.test(path);
  const isQuery =
    headers["x-ms-documentdb-isquery"] === "true" || headers["x-ms-cosmos-is-query-plan-request"] === "True";
  const kind: CosmosRequestKind = !onDocuments
    ? "metadata"
    : method === "GET"
      ? "read"
      : method === "POST" && isQuery
        ? "query"
        : "write";
  return { kind, container: decodeURIComponent(container) };
}

export interface CountingCosmos extends EmbeddedCosmos {
  /** The counts since the last `take`, and a fresh start. */
  take(): CosmosCounts;
}

/** The embedded Cosmos with every request the client sends it counted, at no extra hop. */
export async function startCountingCosmos(): Promise<CountingCosmos> {
  let counts: CosmosCounts = new Map();
  const cosmos = await startEmbeddedCosmos(0, (request) => {
    const { kind, container } = classify(request.method ?? "GET", request.url ?? "/", request.headers);
    const key = container ? `${kind} ${container}` : kind;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return {
    ...cosmos,
    take() {
      const taken = counts;
      counts = new Map();
      return taken;
    },
  };
}
