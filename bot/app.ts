import { referrerContacts, type Config } from "./config.js";
import { graphChannelPosts } from "./graph/channel-posts.js";
import { graphProfiles, noProfiles } from "./graph/profiles.js";
import type { Log } from "./log.js";
import { Outbox, type Deliver } from "./outbox/outbox.js";
import { sweepDrafts } from "./referrals/draft-sweep.js";
import { sweepRetention, sweepUnsubmittedAlerts } from "./cases/retention-sweep.js";
import { sweepEscalations } from "./escalations/sweep.js";
import { postDailyDigest } from "./escalations/digest.js";
import { queueDfeReturnNotices } from "./reports/dfe-return-notices.js";
import { bankHolidaysInEngland } from "./escalations/bank-holidays.js";
import { createCalendar } from "./escalations/calendar.js";
import { caseChannel, type Services } from "./services.js";
import { CaseStore } from "./store/case-store.js";
import {
  configuredCosmosClient,
  createCosmosClient,
  openContainers,
  type Containers,
} from "./store/cosmos.js";
import { storeCall } from "./store/deadline.js";
import { DraftStore } from "./store/draft-store.js";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "./store/embedded.js";
import { OutboxStore } from "./store/outbox-store.js";
import { SettingsStore } from "./store/settings-store.js";
import { createAdapter } from "./teams/adapter.js";
import { CmeBot } from "./teams/bot.js";
import { failureMessage } from "./teams/failure-message.js";
import { teamsDelivery } from "./teams/delivery.js";
import { teamRosters } from "./teams/roster.js";
import { createServer } from "./teams/server.js";

export interface App {
  readonly url: string;
  readonly services: Services;
  /** Where Cosmos is: the configured endpoint, or the embedded one. */
  readonly cosmosEndpoint: string;
  readonly embeddedCosmos: boolean;
  close(): Promise<void>;
}

export interface AppOptions {
  readonly log: Log;
  readonly now?: () => Date;
}

/**
 * The composition root's work: store, outbox, adapter, bot and HTTP server, wired once.
 * Local mode without COSMOS_ENDPOINT runs Cosmos in this process, in memory.
 */
export async function startApp(config: Config, { log, now = () => new Date() }: AppOptions): Promise<App> {
  const embedded: EmbeddedCosmos | undefined = config.cosmos.endpoint
    ? undefined
    : await startEmbeddedCosmos();
  const endpoint = config.cosmos.endpoint ?? embedded?.endpoint ?? "";
  const client = embedded
    ? createCosmosClient({ endpoint, key: embedded.key }, config.storeDeadlineMs)
    : configuredCosmosClient(config);
  if (!client) throw new Error("no Cosmos DB to use");
  const containers: Containers = await openContainers(client, config.cosmos.database);

  const adapter = createAdapter(config);
  const outboxStore = new OutboxStore(containers.outbox);
  // Delivery needs the services and the services need the outbox: tie the knot once.
  let deliver: Deliver = () => Promise.reject(new Error("delivery is not wired yet"));
  const outbox = new Outbox(outboxStore, (item, attempt) => deliver(item, attempt), {
    now,
    giveUpAfterMs: config.outboxGiveUpMs,
    claimMs: config.outboxClaimMs,
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
    now,
  };
  deliver = teamsDelivery(adapter, services, {
    channelPosts: config.graph ? graphChannelPosts(config.graph) : undefined,
    log,
  });

  adapter.onTurnError = async (context, error) => {
    log("turn.failed", { activityType: context.activity.type, error: error.message });
    if (context.activity.type === "message") await context.sendActivity(failureMessage(error));
  };

  const bot = new CmeBot(services, log);
  const isReady = () =>
    storeCall((abortSignal) => client.getDatabaseAccount({ abortSignal })).then(
      () => true,
      () => false,
    );
  const server = createServer({
    adapter,
    runTurn: (context) => bot.run(context),
    isReady,
    hasCaseChannel: async () => (await caseChannel(services)) !== undefined,
    log,
    messagesPerSecond: config.messagesPerSecond,
    storeDeadlineMs: config.storeDeadlineMs,
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  const sweep = setInterval(() => outbox.deliverSoon(), config.outboxIntervalMs);
  sweep.unref();
  // Housekeeping: drafts (reminders, expiry, interrupted submissions) and closed cases' retention.
  const draftSweep = setInterval(() => {
    sweepDrafts(services, config.drafts, now(), referrerContacts(config)).then(
      (result) => log("drafts.swept", { ...result }),
      (error: unknown) =>
        log("drafts.sweep.failed", { error: error instanceof Error ? error.message : String(error) }),
    );
    sweepRetention(services, config.retention, now())
      .then(async (result) => ({
        ...result,
        alertsWithoutDetails: await sweepUnsubmittedAlerts(services, config.retention, now()),
      }))
      .then(
        (result) => log("retention.swept", { ...result }),
        (error: unknown) =>
          log("retention.sweep.failed", { error: error instanceof Error ? error.message : String(error) }),
      );
  }, config.drafts.sweepIntervalMs);
  draftSweep.unref();
  const escalationSweep = setInterval(() => {
    if (config.digestAt) {
      postDailyDigest(services, config.digestAt, now()).catch((error: unknown) =>
        log("digest.failed", { error: error instanceof Error ? error.message : String(error) }),
      );
    }
    queueDfeReturnNotices(
      { ...services, calendar: services.clocks.calendar, censusDates: config.censusDates },
      now(),
    ).catch((error: unknown) =>
      log("dfe-return.notices.failed", { error: error instanceof Error ? error.message : String(error) }),
    );
    sweepEscalations(services, now()).then(
      (result) =>
        log(
          "escalations.swept",
          result.kind === "busy" ? { busy: true } : { checked: result.checked, fired: result.fired.length },
        ),
      (error: unknown) =>
        log("escalations.sweep.failed", { error: error instanceof Error ? error.message : String(error) }),
    );
  }, config.escalationSweepMs);
  escalationSweep.unref();
  outbox.deliverSoon();

  return {
    url: `http://${host}:${address.port}`,
    services,
    cosmosEndpoint: endpoint,
    embeddedCosmos: Boolean(embedded),
    async close() {
      clearInterval(sweep);
      clearInterval(draftSweep);
      clearInterval(escalationSweep);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      await outbox.idle();
      client.dispose();
      await embedded?.close();
    },
  };
}
