/** What every command-line script does around its work: the services `compose` builds, and a plain failure. */
import { compose, NoStoreError } from "../bot/compose.js";
import type { Config } from "../bot/config.js";
import { jsonLog } from "../bot/log.js";
import type { Services } from "../bot/services.js";

/** Runs `work` with the services for the configured Cosmos DB (never an embedded one), then lets go of it. */
export async function withServices<T>(config: Config, work: (services: Services) => Promise<T>): Promise<T> {
  // Log lines to stderr: stdout is the script's answer (a CSV, say). Its outbox only queues.
  const composed = await compose(config, { log: jsonLog(process.stderr) });
  try {
    return await work(composed.services);
  } finally {
    await composed.close();
  }
}

/** Says what stopped the script (a bad variable, no store, the store's error) and exits. */
export function exitWith(error: unknown): never {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(error instanceof NoStoreError ? 2 : 1);
}
