import { CosmosClient, type Container } from "@azure/cosmos";
import { startApp, type App } from "../../bot/app.js";
import { loadConfig, type Config, type Environment } from "../../bot/config.js";
import { jsonLog, type Log } from "../../bot/log.js";
import { FakeTeams, type RosterMember } from "./fake-teams.js";

export const tenantId = "tenant-leicestershire";
export const teamId = "19:cme-team@thread.tacv2";
export const channelId = "19:cme-cases@thread.tacv2";
/** The CME team's Microsoft 365 group: its id in Graph. */
export const teamGroupId = "5f0c7a3e-2b1d-4c8e-9a6f-1d2e3f4a5b6c";

const member = (key: string, name: string): RosterMember => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  userPrincipalName: `${key}@example.org`,
});

export const people = {
  dsl: member("dsl", "Dana School-DSL"),
  earlyYears: member("early-years", "Erin Nursery"),
  officer: member("officer-1", "Olu Officer"),
  officer2: member("officer-2", "Omar Officer"),
  manager: member("manager", "Mina Manager"),
};

export type Who = RosterMember;

/** Every line any harness's bot logged in this run (the log audit reads them at the end). */
export const everyLogLine: string[] = [];

export interface Harness {
  readonly app: App;
  readonly teams: FakeTeams;
  readonly logLines: string[];
  /** Posts an activity to /api/messages (with a Bot Framework token when the bot has an app id). */
  send(activity: Record<string, unknown>, token?: string): Promise<{ status: number; body: unknown }>;
  /** A container of the bot's Cosmos DB reached straight, past the bot (to store what an earlier version stored, say). */
  storeContainer(name: string): Container;
  close(): Promise<void>;
}

let activityCounter = 0;

/** The delivery fields of an outbox item stored pending and due, as every version of the bot stored them. */
export const waitingToBeSent = {
  state: "pending",
  attempts: 0,
  revision: 1,
  nextAttemptAt: "2026-01-01T00:00:00.000Z",
} as const;

/** The stand-in for Teams every harness talks to unless given one (started). */
export async function startFakeTeams(): Promise<FakeTeams> {
  const teams = new FakeTeams(
    { [teamId]: [people.officer, people.officer2, people.manager] },
    Object.values(people),
    { [teamId]: teamGroupId },
  );
  await teams.start();
  return teams;
}

/**
 * Starts the bot against a stand-in for Teams: its own, or `teams` (shared, say by a bot
 * started again; then the caller stops it).
 */
export async function startHarness(
  env: Partial<Environment> = {},
  {
    now,
    teams: shared,
    adjust = (config) => config,
  }: {
    now?: () => Date;
    teams?: FakeTeams;
    /** Changes the checked configuration (an Azure-mode bot's store, say, to the embedded one). */
    adjust?: (config: Config) => Config;
  } = {},
): Promise<Harness> {
  const teams = shared ?? (await startFakeTeams());
  const config = adjust(
    loadConfig({
      PORT: "0",
      CME_TEAM_ID: teamId,
      CME_CHANNEL_ID: channelId,
      CME_SERVICE_URL: teams.url,
      CME_MANAGER_IDS: people.manager.aadObjectId,
      ...env,
    }),
  );
  const logLines: string[] = [];
  // The real logger (redaction and all), writing to memory.
  const log: Log = jsonLog({
    write(line: string) {
      logLines.push(line);
      everyLogLine.push(line);
    },
  });
  const app = await startApp(config, { log, ...(now ? { now } : {}) });
  let direct: CosmosClient | undefined;
  return {
    app,
    teams,
    logLines,
    async send(activity, token) {
      const response = await fetch(`${app.url}/api/messages`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(activity),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    storeContainer(name) {
      direct ??= new CosmosClient({
        endpoint: app.cosmosEndpoint,
        key: config.cosmos.key ?? "local-embedded-cosmos",
        connectionPolicy: { enableEndpointDiscovery: false },
      });
      return direct.database(config.cosmos.database).container(name);
    },
    async close() {
      direct?.dispose();
      await app.close();
      if (!shared) await teams.stop();
    },
  };
}

function base(
  teams: FakeTeams,
  who: Who,
  conversation: Record<string, unknown>,
  channelData: Record<string, unknown>,
) {
  activityCounter += 1;
  return {
    id: `act-${activityCounter}`,
    channelId: "msteams",
    serviceUrl: teams.url,
    timestamp: new Date().toISOString(),
    from: { id: who.id, name: who.name, aadObjectId: who.aadObjectId },
    recipient: { id: "28:cme-bot", name: "CME Referrals" },
    conversation,
    channelData: { tenant: { id: tenantId }, ...channelData },
    locale: "en-GB",
  };
}

export function personalConversationId(who: Who): string {
  return `a:personal-${who.id}`;
}

function personal(teams: FakeTeams, who: Who) {
  return base(teams, who, { id: personalConversationId(who), conversationType: "personal", tenantId }, {});
}

function channel(teams: FakeTeams, who: Who) {
  return base(
    teams,
    who,
    { id: `${channelId};messageid=1`, conversationType: "channel", isGroup: true, tenantId },
    { team: { id: teamId, name: "CME Team" }, channel: { id: channelId, name: "CME cases" } },
  );
}

/** Teams telling the bot of a change to the CME team's members (the bot's own install among them), sent by a manager. */
export function teamMembersUpdate(
  teams: FakeTeams,
  id: string,
  change: { membersAdded?: { id: string }[]; membersRemoved?: { id: string; aadObjectId?: string }[] },
  eventType: "teamMemberAdded" | "teamMemberRemoved",
) {
  return {
    type: "conversationUpdate",
    id,
    channelId: "msteams",
    serviceUrl: teams.url,
    from: { id: people.manager.id, aadObjectId: people.manager.aadObjectId },
    recipient: { id: "28:cme-bot", name: "CME Referrals" },
    conversation: { id: teamId, conversationType: "channel", isGroup: true, tenantId },
    ...change,
    channelData: { eventType, team: { id: teamId, name: "CME Team" }, tenant: { id: tenantId } },
  };
}

export function personalMessage(teams: FakeTeams, who: Who, text: string) {
  return { ...personal(teams, who), type: "message", text };
}

export function channelMessage(teams: FakeTeams, who: Who, text: string) {
  return {
    ...channel(teams, who),
    type: "message",
    text: `<at>CME Referrals</at> ${text}`,
    entities: [
      {
        type: "mention",
        text: "<at>CME Referrals</at>",
        mentioned: { id: "28:cme-bot", name: "CME Referrals" },
      },
    ],
  };
}

export function cardAction(
  teams: FakeTeams,
  who: Who,
  where: "personal" | "channel",
  verb: string,
  data: Record<string, unknown>,
) {
  return {
    ...(where === "personal" ? personal(teams, who) : channel(teams, who)),
    type: "invoke",
    name: "adaptiveCard/action",
    value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" },
  };
}

/** The adaptive card an invoke answered with (throws if it answered with something else). */
export function invokeCard(response: { status: number; body: unknown }): Record<string, unknown> {
  const body = response.body as { type?: string; value?: Record<string, unknown> };
  if (response.status !== 200 || body.type !== "application/vnd.microsoft.card.adaptive" || !body.value) {
    throw new Error(`expected a card, got ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
  }
  return body.value;
}

/** The message an invoke answered with (throws if it answered with a card). */
export function invokeMessage(response: { status: number; body: unknown }): string {
  const body = response.body as { type?: string; value?: unknown };
  if (response.status !== 200 || body.type !== "application/vnd.microsoft.activity.message") {
    throw new Error(`expected a message, got ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
  }
  return String(body.value);
}

/** The card in an activity the bot sent. */
export function cardIn(activity: { body: Record<string, unknown> }): Record<string, unknown> {
  const attachments = activity.body.attachments as
    { contentType: string; content: Record<string, unknown> }[] | undefined;
  const card = attachments?.find((a) => a.contentType === "application/vnd.microsoft.card.adaptive");
  if (!card) throw new Error(`no card in ${JSON.stringify(activity.body).slice(0, 300)}`);
  return card.content;
}

/** Every string in a card, for looking things up without depending on layout. */
export function cardText(card: unknown): string {
  return JSON.stringify(card);
}

/** Every Action.Execute in a card, wherever it stands (actions, action sets, columns). */
export function cardActions(
  card: unknown,
): { verb: string; title?: string; data: Record<string, unknown> }[] {
  const found: { verb: string; title?: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.type === "Action.Execute" && typeof record.verb === "string") {
        found.push({
          verb: record.verb,
          title: record.title as string,
          data: (record.data ?? {}) as Record<string, unknown>,
        });
      }
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The data of the card's (first) action with this verb, optionally one whose data matches. */
export function actionData(
  card: Record<string, unknown>,
  verb: string,
  match: Record<string, unknown> = {},
): Record<string, unknown> {
  const action = cardActions(card).find(
    (candidate) =>
      candidate.verb === verb && Object.entries(match).every(([key, value]) => candidate.data[key] === value),
  );
  if (!action) throw new Error(`no ${verb} action in card: ${cardText(card).slice(0, 300)}`);
  return action.data;
}

/** Runs the outbox as its timer would once every pending retry has come due. */
export async function deliverPendingNow(h: Harness): Promise<void> {
  const store = h.app.services.outboxStore;
  for (const item of await store.due(new Date(Date.now() + 24 * 3_600_000), 100)) {
    await store.replace({ ...item, nextAttemptAt: new Date(0).toISOString() }, item._etag);
  }
  await h.app.services.outbox.deliverDue();
}

export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** Runs `work` with everything the process prints to stdout and stderr (console.* included) caught. */
export async function printedDuring(work: () => Promise<void>): Promise<string> {
  const printed: string[] = [];
  const { stdout, stderr } = process;
  const writes = { out: stdout.write.bind(stdout), err: stderr.write.bind(stderr) };
  const capture = ((chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  }) as typeof stdout.write;
  stdout.write = capture;
  stderr.write = capture;
  try {
    await work();
  } finally {
    stdout.write = writes.out;
    stderr.write = writes.err;
  }
  return printed.join("");
}
