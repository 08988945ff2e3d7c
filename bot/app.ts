import { compose } from "./compose.js";
import { referrerContacts, type Config } from "./config.js";
import { graphChannelPosts } from "./graph/channel-posts.js";
import type { Log } from "./log.js";
import { sweepDrafts } from "./referrals/draft-sweep.js";
import { sweepRetention, sweepUnsubmittedAlerts } from "./cases/retention-sweep.js";
import { sweepEscalations } from "./escalations/sweep.js";
import { postDailyDigest } from "./escalations/digest.js";
import { queueDfeReturnNotices } from "./reports/dfe-return-notices.js";
import { caseChannel, type Services } from "./services.js";
import { createAdapter } from "./teams/adapter.js";
import { CmeBot } from "./teams/bot.js";
import { failureMessage } from "./teams/failure-message.js";
import { teamsDelivery } from "./teams/delivery.js";
import { finishLaterReplies } from "./teams/later-reply.js";
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
 * The server: what `compose` builds (Cosmos embedded in local mode without COSMOS_ENDPOINT),
 * with Teams' adapter, the bot, the HTTP server and the timers on top.
 */
export async function startApp(config: Config, { log, now = () => new Date() }: AppOptions): Promise<App> {
  const adapter = createAdapter(config);
  const composed = await compose(config, {
    log,
    now,
    embedCosmosWithoutEndpoint: true,
    delivery: (services) =>
      teamsDelivery(adapter, services, {
        channelPosts: config.channelPostsGraph ? graphChannelPosts(config.channelPostsGraph) : undefined,
        log,
      }),
  });
  const { services } = composed;
  const { outbox } = services;

  adapter.onTurnError = async (context, error) => {
    log("turn.failed", { activityType: context.activity.type, error: error.message });
    if (context.activity.type === "message") await context.sendActivity(failureMessage(error));
  };

  const bot = new CmeBot(services, log);
  const server = createServer({
    adapter,
    runTurn: (context) => bot.run(context),
    isReady: () => composed.isStoreReady(),
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
    cosmosEndpoint: composed.cosmosEndpoint,
    embeddedCosmos: composed.embeddedCosmos,
    async close() {
      clearInterval(sweep);
      clearInterval(draftSweep);
      clearInterval(escalationSweep);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      // Work the turns left for after them (a file read, "Open cases for all") stops at its next
      // step and tells the person where it got to, before the store and Teams' connector go.
      await finishLaterReplies(adapter);
      await composed.close();
    },
  };
}
