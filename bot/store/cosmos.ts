import { CosmosClient, ErrorResponse, type Container, type Database } from "@azure/cosmos";
import { ManagedIdentityCredential } from "@azure/identity";
import type { Config } from "../config.js";
import { containerDefinitions, type ContainerName } from "./containers.js";

export type Containers = Record<ContainerName, Container>;

/** A key (local mode: the embedded store or an emulator) or a managed identity (Azure): never both. */
export type CosmosConnection =
  | { readonly endpoint: string; readonly key: string }
  | { readonly endpoint: string; readonly identityClientId: string };

/**
 * Each request gives up after `deadlineMs`, and throttling is retried for about as long, so the
 * SDK's own retries stay near one deadline (in a turn, `storeCall` cuts every call at its deadline).
 */
export function createCosmosClient(connection: CosmosConnection, deadlineMs: number): CosmosClient {
  const connectionPolicy = {
    requestTimeout: deadlineMs,
    retryOptions: { maxRetryAttemptCount: 3, maxWaitTimeInSeconds: Math.ceil(deadlineMs / 1000) },
  };
  if ("identityClientId" in connection) {
    return new CosmosClient({
      endpoint: connection.endpoint,
      aadCredentials: new ManagedIdentityCredential({ clientId: connection.identityClientId }),
      connectionPolicy,
    });
  }
  return new CosmosClient({
    endpoint: connection.endpoint,
    key: connection.key,
    // Emulators answer the account lookup with addresses of their own; talk to the endpoint given.
    connectionPolicy: { ...connectionPolicy, enableEndpointDiscovery: false },
  });
}

/** The Cosmos DB the configuration names (for the command-line scripts: never the embedded one). */
export function configuredCosmosClient(
  config: Pick<Config, "cosmos" | "storeDeadlineMs">,
): CosmosClient | undefined {
  const { endpoint, identityClientId, key } = config.cosmos;
  if (!endpoint) return undefined;
  return createCosmosClient(
    identityClientId ? { endpoint, identityClientId } : { endpoint, key: key ?? "" },
    config.storeDeadlineMs,
  );
}

/** Creates the database and containers when missing (idempotent), and returns them. */
export async function openContainers(client: CosmosClient, databaseId: string): Promise<Containers> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  const entries = await Promise.all(
    (Object.keys(containerDefinitions) as ContainerName[]).map(
      async (name) => [name, await createContainer(database, name)] as const,
    ),
  );
  return Object.fromEntries(entries) as Containers;
}

async function createContainer(database: Database, name: ContainerName): Promise<Container> {
  const { container } = await database.containers.createIfNotExists(containerDefinitions[name]);
  return container;
}

export function isCosmosError(error: unknown, code: number): boolean {
  return error instanceof ErrorResponse ? error.code === code : (error as { code?: unknown })?.code === code;
}
