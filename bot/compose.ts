import { afterTurn } from "./after-turn.js";
import type { Config } from "./config.js";
import { bankHolidaysInEngland } from "./escalations/bank-holidays.js";
import { createCalendar } from "./escalations/calendar.js";
import { graphProfiles, noProfiles } from "./graph/profiles.js";
import type { Log } from "./log.js";
import { Outbox, type Deliver } from "./outbox/outbox.js";
import type { Services } from "./services.js";
import { KeptImports } from "./pupils/kept-imports.js";
import { CaseStore } from "./store/case-store.js";
import { configuredCosmosClient, createCosmosClient, openContainers } from "./store/cosmos.js";
import { storeCall } from "./store/deadline.js";
import { DraftStore } from "./store/draft-store.js";
import { startEmbeddedCosmos } from "./store/embedded.js";
import { OutboxStore } from "./store/outbox-store.js";
import { SettingsStore } from "./store/settings-store.js";
import { teamRosters } from "./teams/roster.js";

export interface ComposeOptions {
  readonly log: Log;
  readonly now?: () => Date;
  /**
   * Without COSMOS_ENDPOINT: run Cosmos in this process, in memory (the server in local mode).
   * A script never does (it would read and write an empty store): it is refused instead.
   */
  readonly embedCosmosWithoutEndpoint?: boolean;
  /** How the outbox sends (the server's Teams delivery); without it this process only queues. */
  readonly delivery?: (services: Services) => Deliver;
}

export interface Composition {
  readonly services: Services;
  /** Where Cosmos is: the configured endpoint, or the embedded one. */
  readonly cosmosEndpoint: string;
  readonly embeddedCosmos: boolean;
  /** Cosmos answers (the readiness probe). */
  isStoreReady(): Promise<boolean>;
  /** Waits for the outbox's work in flight, then lets go of Cosmos. */
  close(): Promise<void>;
}

export class NoStoreError extends Error {
  constructor() {
    super(
      "Set COSMOS_ENDPOINT (and COSMOS_KEY locally; in Azure, the managed identity): the cases are stored there.",
    );
    this.name = "NoStoreError";
  }
}

/**
 * The composition root: store client and containers, stores, outbox, clocks, profiles and
 * rosters, built once from the configuration for the server and for every script.
 */
export async function compose(
  config: Config,
  { log, now = () => new Date(), embedCosmosWithoutEndpoint = false, delivery }: ComposeOptions,
): Promise<Composition> {
  if (!config.cosmos.endpoint && !embedCosmosWithoutEndpoint) throw new NoStoreError();
  const embedded = config.cosmos.endpoint ? undefined : await startEmbeddedCosmos();
  const client = embedded
    ? createCosmosClient({ endpoint: embedded.endpoint, key: embedded.key }, config.storeDeadlineMs)
    : configuredCosmosClient(config);
  if (!client) throw new NoStoreError();
  let containers: Awaited<ReturnType<typeof openContainers>>;
  try {
    containers = await openContainers(client, config.cosmos.database);
  } catch (error) {
    // Nothing is left open behind a start that failed (the embedded store's port, the client's sockets).
    client.dispose();
    await embedded?.close();
    throw error;
  }

  const outboxStore = new OutboxStore(containers.outbox, (id, problems) =>
    log("outbox.item.unreadable", { item: id, problems }),
  );
  // Delivery needs the services and the services need the outbox: tie the knot once.
  let deliver: Deliver = () => Promise.reject(new Error("delivery is not wired yet"));
  const outbox = new Outbox(outboxStore, (item, attempt) => deliver(item, attempt), {
    now,
    giveUpAfterMs: config.outboxGiveUpMs,
    claimMs: config.outboxClaimMs,
    delivers: delivery !== undefined,
    startsAfter: afterTurn,
    onError: (item, error) =>
      log("outbox.delivery.failed", {
        item: item.id,
        error: error instanceof Error ? error.message : String(error),
      }),
  });
  const services: Services = {
    clocks: {
      policy: config.escalationPolicy,
      calendar: createCalendar(bankHolidaysInEngland, config.termDates),
    },
    config,
    cases: new CaseStore(containers.cases),
    drafts: new DraftStore(containers.drafts),
    settings: new SettingsStore(containers.settings, { keepMs: config.channelAndTeamCacheMs }),
    outboxStore,
    outbox,
    profiles: config.graph
      ? graphProfiles(config.graph, (error) =>
          log("graph.profile.failed", { error: error instanceof Error ? error.message : String(error) }),
        )
      : noProfiles,
    rosters: teamRosters(config.channelAndTeamCacheMs),
    extractImports: new KeptImports(now),
    now,
  };
  if (delivery) deliver = delivery(services);

  return {
    services,
    cosmosEndpoint: config.cosmos.endpoint ?? embedded?.endpoint ?? "",
    embeddedCosmos: Boolean(embedded),
    isStoreReady: () =>
      storeCall((abortSignal) => client.getDatabaseAccount({ abortSignal })).then(
        () => true,
        () => false,
      ),
    async close() {
      await outbox.idle();
      client.dispose();
      await embedded?.close();
    },
  };
}
