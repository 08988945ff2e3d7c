import type { Container, SqlQuerySpec } from "@azure/cosmos";
import { ConcurrencyError, type Stored } from "../concurrency.js";
import { retryWhileContended } from "./contention.js";
import { isCosmosError } from "./cosmos.js";
import { storeCall } from "./deadline.js";

export type { Stored } from "../concurrency.js";
export { ConcurrencyError };

/** Strips Cosmos' system properties so a document can be written back. */
export function withoutSystemProperties<T extends object>(document: T): T {
  const copy = { ...document } as Record<string, unknown>;
  for (const key of ["_etag", "_rid", "_self", "_ts", "_attachments"]) delete copy[key];
  return copy as T;
}

/** `SELECT VALUE COUNT(1) …` across partitions, summed. */
export async function countWhere(
  container: Container,
  where: string,
  parameters: { name: string; value: string | number | null }[] = [],
): Promise<number> {
  const resources = await queryAll<number>(container, {
    query: `SELECT VALUE COUNT(1) FROM c WHERE ${where}`,
    parameters,
  });
  return resources.reduce((sum, value) => sum + value, 0);
}

/** Every result of a query, across partitions and pages, as one store call. */
export async function queryAll<T>(container: Container, query: SqlQuerySpec): Promise<T[]> {
  const { resources } = await storeCall((abortSignal) =>
    container.items.query<T>(query, { abortSignal }).fetchAll(),
  );
  return resources;
}

export async function read<T>(container: Container, id: string, partitionKey: string = id) {
  const { resource } = await storeCall((abortSignal) =>
    container.item(id, partitionKey).read<Stored<T>>({ abortSignal }),
  );
  return resource;
}

/** Creates a document; false when one with that id exists already (the caller decides what that means). */
export async function createIfAbsent<T extends { id: string }>(
  container: Container,
  document: T,
): Promise<boolean> {
  try {
    await storeCall((abortSignal) => container.items.create(document, { abortSignal }));
    return true;
  } catch (error) {
    if (isCosmosError(error, 409)) return false;
    throw error;
  }
}

/** Creates a document and hands back what the store made of it (its ETag); undefined when one with that id exists already. */
export async function createReturning<T extends { id: string }>(
  container: Container,
  document: T,
): Promise<Stored<T> | undefined> {
  try {
    const { resource } = await storeCall((abortSignal) => container.items.create(document, { abortSignal }));
    return resource;
  } catch (error) {
    if (isCosmosError(error, 409)) return undefined;
    throw error;
  }
}

/** Replaces a document only if nobody changed it since `etag`; ConcurrencyError otherwise. */
export async function replaceIfUnchanged<T extends { id: string }>(
  container: Container,
  document: T,
  etag: string,
  partitionKey: string = document.id,
): Promise<Stored<T>> {
  try {
    const { resource } = await storeCall((abortSignal) =>
      container.item(document.id, partitionKey).replace<T>(withoutSystemProperties(document), {
        accessCondition: { type: "IfMatch", condition: etag },
        abortSignal,
      }),
    );
    return resource as Stored<T>;
  } catch (error) {
    if (isCosmosError(error, 412)) throw new ConcurrencyError(document.id);
    throw error;
  }
}

export async function upsert<T extends { id: string }>(
  container: Container,
  document: T,
): Promise<Stored<T>> {
  const { resource } = await storeCall((abortSignal) =>
    container.items.upsert<T>(withoutSystemProperties(document), { abortSignal }),
  );
  return resource as unknown as Stored<T>;
}

/**
 * Reads, changes and writes one document under its ETag, retrying against the fresh
 * document (with jittered backoff, until a deadline) when someone else wrote first.
 * `change` returns undefined to leave it alone.
 */
export async function updateWithRetry<T extends { id: string }>(
  container: Container,
  id: string,
  change: (current: Stored<T> | undefined) => T | undefined,
  { partitionKey = id }: { partitionKey?: string } = {},
): Promise<Stored<T> | undefined> {
  return retryWhileContended(async () => {
    const current = await read<T>(container, id, partitionKey);
    const next = change(current);
    if (next === undefined) return current;
    if (!current) {
      const created = await createReturning(container, next);
      if (created) return created;
      throw new ConcurrencyError(id);
    }
    return await replaceIfUnchanged(container, next, current._etag, partitionKey);
  });
}
