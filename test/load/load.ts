/**
 * `npm run test:load`: the real server under load, as three processes talking HTTP. The bot
 * (`bot/index.ts`, local mode: no app id, loopback only) is a process of its own against a
 * Cosmos-protocol emulator in another (test/load/cosmos-process.ts); this process plays Teams'
 * connector (FakeTeams: every activity's serviceUrl and CME_SERVICE_URL point at it) and Graph
 * (FakeGraph), and drives the turns.
 *
 * For LOAD_SECONDS (180): LOAD_REFERRERS (50) referrers each walk a whole referral step by step
 * and submit it, starting over the first 40 % of the time and thinking between steps; LOAD_OFFICERS
 * (10) officers meanwhile take case cards the bot posted in the channel and act on them (assign,
 * triage, notes, status changes), until the time is up and the last referrer has finished. Then the outbox is given a bounded drain, Cosmos is read, and
 * the figures are printed. Exit 1 on an error (HTTP 500+, a failed turn, a referrer who could
 * not finish, personal data in the bot's log) or a case or channel card lost or doubled; p99 and
 * peak memory are reported against the goals, not failed on (the machine is shared).
 */
import { CosmosClient } from "@azure/cosmos";
import { setTimeout as sleep } from "node:timers/promises";
import { performance } from "node:perf_hooks";
import { statusTitles, type CaseStatus } from "../../bot/cases/case.js";
import { failureMessage } from "../../bot/teams/failure-message.js";
import { ConcurrencyError } from "../../bot/concurrency.js";
import { StoreUnavailableError } from "../../bot/store/deadline.js";
import { RoleLookupError } from "../../bot/teams/actor.js";
import { FakeGraph } from "../support/fake-graph.js";
import { FakeTeams, type RosterMember } from "../support/fake-teams.js";
import {
  actionData,
  cardAction,
  cardActions,
  cardIn,
  cardText,
  channelId,
  personalConversationId,
  teamGroupId,
  teamId,
  tenantId,
  type Who,
} from "../support/harness.js";
import { goodAnswers, refer, type Answers, type BotToTalkTo } from "../support/referral-walk.js";
import { against, byKind, goals, onceEach, TurnFigures } from "./figures.js";
import { memoryOf, startTypeScript, type Started } from "./processes.js";

const seconds = Number(process.env.LOAD_SECONDS ?? 180);
const referrerCount = Number(process.env.LOAD_REFERRERS ?? 50);
const officerCount = Number(process.env.LOAD_OFFICERS ?? 10);
/** How long the outbox is given, once the load stops, to send what it still holds. */
const drainMs = 60_000;
const database = "cme-load";

/** A seeded generator (mulberry32), so a run's schedule can be run again (LOAD_SEED). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(Number(process.env.LOAD_SEED ?? 15));
/** Uniform in [mean / 2, 3 mean / 2). */
const around = (mean: number) => mean * (0.5 + random());

const person = (key: string, name: string): RosterMember => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  userPrincipalName: `${key}@example.org`,
});
const letters = (i: number) =>
  String.fromCharCode(65 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26));
const referrers = Array.from({ length: referrerCount }, (_, i) =>
  person(`load-referrer-${i}`, `Referrer ${letters(i)}`),
);
const officers = Array.from({ length: officerCount }, (_, i) =>
  person(`load-officer-${i}`, `Officer ${letters(i)}`),
);
const manager = person("load-manager", "Mina Manager");

/** Each referrer's own child (another surname and birthday), so no referral is another's duplicate. */
function answersFor(i: number): Answers {
  const day = String(1 + (i % 28)).padStart(2, "0");
  return {
    ...goodAnswers,
    child: { ...goodAnswers.child, surname: `Testchild${letters(i)}`, dateOfBirth: `2015-03-${day}` },
  };
}
/** What the bot's log must never hold of the children and families the load refers. */
const personalValues = [
  goodAnswers.child.forenames,
  "Testchild",
  goodAnswers.child.address,
  goodAnswers.family["parents.0.name"],
  goodAnswers.family["parents.0.phone"],
].filter((value): value is string => Boolean(value));

/** What the bot says when something on its side failed (as opposed to a refusal with a reason). */
const failureTexts = new Set(
  [
    new ConcurrencyError("x"),
    new StoreUnavailableError("x"),
    new RoleLookupError(undefined),
    new Error("x"),
  ].map(failureMessage),
);

function kindOf(activity: Record<string, unknown>): string {
  if (activity.type === "message")
    return String(activity.text).includes("refer") ? "referral start" : "message";
  const verb = (activity.value as { action?: { verb?: string } } | undefined)?.action?.verb ?? "?";
  const kinds: Record<string, string> = {
    "referral.next": "wizard step",
    "referral.addRow": "wizard add row",
    "referral.submit": "submission",
    "case.refresh": "case card refresh",
    "case.assignToMe": "case assign",
    "case.triage": "case triage",
    "case.addNote": "case note",
    "case.changeStatus": "case status change",
  };
  return kinds[verb] ?? verb;
}

const figures = new TurnFigures();
const started: Started[] = [];
let fakesStarted = false;
const teams = new FakeTeams({ [teamId]: [...officers, manager] }, [...referrers, ...officers, manager], {
  [teamId]: teamGroupId,
});
const graph = new FakeGraph(
  Object.fromEntries(
    referrers.map((who) => [
      who.aadObjectId,
      { displayName: who.name, mail: who.userPrincipalName, jobTitle: "Designated safeguarding lead" },
    ]),
  ),
);

/** The bot over HTTP as one person reaches it: `thinkMs` before each turn, every turn timed and judged. */
function botFor(url: string, thinkMs: () => number): BotToTalkTo {
  return {
    teams,
    async send(activity) {
      await sleep(thinkMs());
      const kind = kindOf(activity);
      for (let attempt = 1; ; attempt += 1) {
        const t = performance.now();
        let response: Response;
        try {
          response = await fetch(`${url}/api/messages`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(activity),
          });
        } catch (error) {
          figures.fail(`${kind}: no answer (${error instanceof Error ? error.message : String(error)})`);
          throw error;
        }
        const text = await response.text();
        const elapsed = performance.now() - t;
        if (response.status === 429 && attempt < 10) {
          // Refused before it was read; the person presses again a moment later.
          figures.refuse(
            `429 too many requests (pressed again after ${response.headers.get("retry-after")} s)`,
          );
          await sleep(1000 * Number(response.headers.get("retry-after") ?? 1));
          continue;
        }
        figures.took(kind, elapsed);
        if (response.status >= 500) figures.serverError(kind);
        const body = text ? (JSON.parse(text) as unknown) : undefined;
        const said = (body as { type?: string; value?: unknown } | undefined)?.value;
        if (typeof said === "string" && failureTexts.has(said)) figures.fail(`${kind}: "${said}"`);
        return { status: response.status, body };
      }
    },
  };
}

interface Submitted {
  readonly referrer: Who;
  /** Undefined when the answer was "still sending" and the outcome is to come to their chat. */
  readonly reference: string | undefined;
}
const referenceIn = (text: string) => /CME-\d{4}-\d{5,6}/.exec(text)?.[0];

/** One referrer: waits for their moment, walks the whole referral with thinking between steps, submits. */
async function referrer(url: string, i: number, turnsMs: number): Promise<Submitted | undefined> {
  const who = referrers[i]!;
  await sleep(random() * 0.4 * seconds * 1000);
  try {
    const card = await refer(
      botFor(url, () => around(turnsMs)),
      who,
      answersFor(i),
    );
    return { referrer: who, reference: referenceIn(cardText(card)) };
  } catch (error) {
    figures.fail(`referrer ${i}: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
    return undefined;
  }
}

/** Every new-case card the bot posted in the channel, by the case it refreshes, with the card as last updated. */
function caseCardsPosted(): { reference: string; refresh: Record<string, unknown>; shown: () => string }[] {
  return teams.posts(channelId).flatMap((post) => {
    const refresh = (cardIn(post).refresh as { action?: { verb?: string; data?: Record<string, unknown> } })
      ?.action;
    const reference = refresh?.verb === "case.refresh" ? refresh.data?.caseId : undefined;
    const shown = () => cardText(cardIn(teams.updates(channelId, post.id).at(-1) ?? post));
    return typeof reference === "string" && refresh?.data
      ? [{ reference, refresh: refresh.data, shown }]
      : [];
  });
}

/** The choices a card offers for an input (its ChoiceSet), wherever it stands. */
function choicesFor(card: Record<string, unknown>, inputId: string): string[] {
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.id === inputId && Array.isArray(record.choices))
        found.push(...(record.choices as { value: string }[]).map((choice) => choice.value));
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** One officer: until `done()`, opens a posted case card and works it for a few presses. */
async function officer(url: string, j: number, done: () => boolean): Promise<void> {
  const who = officers[j]!;
  const bot = botFor(url, () => around(700));
  let notes = 0;
  /** Presses a button on the officer's card; the card shown after, or undefined if told something instead. */
  const press = async (card: Record<string, unknown>, verb: string, inputs: Record<string, string> = {}) => {
    const response = await bot.send(
      cardAction(teams, who, "channel", verb, { ...actionData(card, verb), ...inputs }),
    );
    const body = response.body as { type?: string; value?: unknown } | undefined;
    if (response.status !== 200) return undefined;
    if (body?.type === "application/vnd.microsoft.card.adaptive" && body.value) {
      const shown = body.value as Record<string, unknown>;
      if (cardText(shown).includes("This case changed since your card was made"))
        figures.refuse("stale card: shown the case as it is now, nothing saved");
      return shown;
    }
    if (typeof body?.value === "string" && !failureTexts.has(body.value)) figures.refuse(body.value);
    return undefined;
  };
  while (!done()) {
    const cards = caseCardsPosted();
    const chosen = cards[Math.floor(random() * cards.length)];
    if (!chosen) {
      await sleep(250);
      continue;
    }
    const opened = await bot.send(cardAction(teams, who, "channel", "case.refresh", chosen.refresh));
    let card = (opened.body as { value?: Record<string, unknown> } | undefined)?.value;
    for (let presses = 0; card && presses < 3 && !done(); presses += 1) {
      const verbs = new Set(cardActions(card).map((action) => action.verb));
      const statuses = choicesFor(card, "changeStatus.to");
      if (verbs.has("case.assignToMe") && random() < 0.5) card = await press(card, "case.assignToMe");
      else if (!verbs.has("case.changeStatus") && verbs.has("case.triage"))
        card = await press(card, "case.triage", {
          "triage.dfeReason": "application-awaiting",
          "triage.cmeStartDate": goodAnswers.school.dateLastAttended!,
        });
      else if (statuses.length > 0 && random() < 0.4)
        card = await press(card, "case.changeStatus", {
          "changeStatus.to": statuses[Math.floor(random() * statuses.length)]!,
          "changeStatus.reason": "Load: enquiries moved the case on",
        });
      else if (verbs.has("case.addNote"))
        card = await press(card, "case.addNote", { "addNote.note": `Load note ${j}.${(notes += 1)}` });
      else break;
    }
  }
}

async function main(): Promise<number> {
  const cosmosProcess = startTypeScript("test/load/cosmos-process.ts", {});
  started.push(cosmosProcess);
  const cosmos = JSON.parse((await cosmosProcess.lineMatching(/^\{.*"endpoint".*\}$/, 60_000))[0]) as {
    endpoint: string;
    key: string;
  };
  await Promise.all([teams.start(), graph.start()]);
  fakesStarted = true;
  const botProcess = startTypeScript("bot/index.ts", {
    PORT: "0",
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: database,
    CME_TEAM_ID: teamId,
    CME_CHANNEL_ID: channelId,
    CME_SERVICE_URL: teams.url,
    CME_MANAGER_IDS: manager.aadObjectId,
    ALLOWED_TENANT_IDS: tenantId,
    ...graph.environment,
  });
  started.push(botProcess);
  const url = (await botProcess.lineMatching(/listening on (http:\/\/\S+)\/api\/messages/, 90_000))[1]!;
  const pid = botProcess.child.pid!;
  const atStart = await memoryOf(pid);

  // Referrers think so that a walk (about 16 turns) takes about 40 % of the time.
  const turnsMs = (0.4 * seconds * 1000) / 16;
  console.log(
    `Load: ${referrerCount} referrers and ${officerCount} officers for ${seconds} s against ${url} (bot pid ${pid}); ` +
      `referrers think ~${turnsMs.toFixed(0)} ms between steps, officers ~700 ms`,
  );
  const loadStarted = Date.now();
  /** The highest RSS sampled each second under load, and when (seconds into the load). */
  const sampled = { mb: 0, atS: 0 };
  const sampler = setInterval(
    () =>
      void memoryOf(pid).then((memory) => {
        if ((memory?.rssMb ?? 0) > sampled.mb)
          Object.assign(sampled, { mb: memory?.rssMb, atS: (Date.now() - loadStarted) / 1000 });
      }),
    1000,
  );
  const until = loadStarted + seconds * 1000;
  let walking = true;
  // Officers work until the time is up and every referrer has finished (on a loaded machine the
  // walks may outlast the time: the last cases still meet officers).
  const officersDone = Promise.all(
    officers.map((_, j) => officer(url, j, () => !walking && Date.now() >= until)),
  );
  const walks = Promise.all(referrers.map((_, i) => referrer(url, i, turnsMs)));
  const submissions = (await walks).filter((each): each is Submitted => each !== undefined);
  walking = false;
  await officersDone;
  const loadS = (Date.now() - loadStarted) / 1000;
  const atEnd = await memoryOf(pid);

  const client = new CosmosClient({
    endpoint: cosmos.endpoint,
    key: cosmos.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const container = (name: string) => client.database(database).container(name);
  const outboxCount = async (state: string) =>
    (
      await container("outbox")
        .items.query<number>({
          query: "SELECT VALUE COUNT(1) FROM c WHERE c.state = @state",
          parameters: [{ name: "@state", value: state }],
        })
        .fetchAll()
    ).resources[0] ?? 0;
  const drainStarted = Date.now();
  let backlog = await outboxCount("pending");
  while (backlog > 0 && Date.now() - drainStarted < drainMs) {
    await sleep(1000);
    backlog = await outboxCount("pending");
  }
  const drainS = (Date.now() - drainStarted) / 1000;
  const givenUp = await outboxCount("failed");

  // A Submit answered "still sending" has its outcome sent to the referrer's chat by the outbox.
  const references = submissions.map(
    ({ referrer: who, reference }) =>
      reference ??
      teams.sent
        .filter((sent) => sent.conversationId === personalConversationId(who))
        .map((sent) => referenceIn(JSON.stringify(sent.body)))
        .find((found) => found !== undefined),
  );
  const late = submissions.filter((each) => each.reference === undefined).length;
  const unconfirmed = references.filter((reference) => reference === undefined).length;
  const submitted = references.filter((reference): reference is string => reference !== undefined);
  const stored = (
    await container("cases")
      .items.query<{ id: string; referrer: { id: string }; status: CaseStatus }>(
        "SELECT c.id, c.referrer, c.status FROM c",
      )
      .fetchAll()
  ).resources;
  const cards = caseCardsPosted();
  const posted = cards.map((card) => card.reference);
  // Once the outbox has drained, each case's channel card (as last updated) shows its status as stored.
  const behind = stored
    .filter((each) => {
      const card = cards.find((posted) => posted.reference === each.id);
      return card && !card.shown().includes(`"title":"Status","value":"${statusTitles[each.status]}"`);
    })
    .map((each) => each.id);
  const updates = teams.sent.filter(
    (sent) => sent.method === "PUT" && sent.conversationId === channelId,
  ).length;
  client.dispose();

  clearInterval(sampler);
  const memory = await memoryOf(pid);
  const peakMb = Math.max(memory?.peakMb ?? 0, sampled.mb);
  await botProcess.stop();
  const leaks = botProcess.lines.filter((line) => personalValues.some((value) => line.includes(value)));

  const storedOnce = onceEach(
    submitted,
    stored.map((each) => each.id),
  );
  const postedOnce = onceEach(submitted, posted);
  const perReferrer = onceEach(
    [],
    stored.map((each) => each.referrer.id),
  );
  const unfinished = referrerCount - submissions.length;

  const ms = (value: number) => `${value.toFixed(0)}`.padStart(7);
  console.log(
    `\nTurns over HTTP in ${loadS.toFixed(0)} s (${[...figures.times.values()].flat().length} turns), ms:`,
  );
  console.log(
    `${"kind".padEnd(20)}${"n".padStart(6)}${"p50".padStart(7)}${"p95".padStart(7)}${"p99".padStart(7)}${"max".padStart(7)}${"first".padStart(7)}   p99 goal < ${goals.p99Ms} ms`,
  );
  const kinds = byKind(figures.times);
  for (const k of kinds) {
    console.log(
      `${k.kind.padEnd(20)}${String(k.n).padStart(6)}${ms(k.p50)}${ms(k.p95)}${ms(k.p99)}${ms(k.max)}${ms(k.first)}   ${k.p99 < goals.p99Ms ? "met" : "NOT met"}`,
    );
  }
  console.log(
    `\nHTTP >= 500: ${figures.serverErrorCount}${figures.serverErrorCount ? ` (${[...figures.serverErrors].map(([k, n]) => `${k} ${n}`).join(", ")})` : ""}`,
  );
  console.log(
    `Failed turns (no answer, a failure message, a walk that could not go on): ${figures.failures.length}`,
  );
  for (const failure of figures.failures.slice(0, 10)) console.log(`  ${failure}`);
  console.log(
    `Refused turns (a clear answer instead): ${[...figures.refused.values()].reduce((a, b) => a + b, 0)}`,
  );
  for (const [reason, n] of [...figures.refused].sort((a, b) => b[1] - a[1]))
    console.log(`  ${String(n).padStart(5)}  ${reason}`);
  console.log(
    `\nReferrals: ${referrerCount} referrers, ${submissions.length} submitted (${late} answered "still sending", ` +
      `${unconfirmed} never confirmed), ${unfinished} could not finish`,
  );
  console.log(
    `Cases stored: ${stored.length}; missing ${storedOnce.missing.length}, doubled ${storedOnce.doubled.length}, ` +
      `not submitted ${storedOnce.unexpected.length}, referrers with two cases ${perReferrer.doubled.length}`,
  );
  console.log(
    `New-case cards in the channel: ${posted.length}; missing ${postedOnce.missing.length}, doubled ${postedOnce.doubled.length}, ` +
      `for no submitted case ${postedOnce.unexpected.length}; card updates in place ${updates}, ` +
      `cards not showing their case's stored status ${behind.length}`,
  );
  console.log(`Outbox after a drain of ${drainS.toFixed(0)} s: ${backlog} pending, ${givenUp} given up`);
  console.log(
    `Bot log: ${botProcess.lines.length} lines, ${leaks.length} with a child's or family's details`,
  );
  const slowest = kinds[0];
  console.log(
    `\nGoals (reported, not failed on: this machine's 2 cores are shared, so the times are noisy):\n` +
      `  p99 of every kind < ${goals.p99Ms} ms: ${slowest ? `${against(slowest.p99, goals.p99Ms, "ms")}, slowest ${slowest.kind}` : "no turns"}\n` +
      `  peak RSS of the bot < ${goals.peakRssMb} MB: ${against(peakMb, goals.peakRssMb, "MB")} (VmHWM)\n` +
      `    RSS once listening ${atStart?.rssMb.toFixed(0)} MB (its peak so far ${atStart?.peakMb.toFixed(0)} MB), ` +
      `highest sampled under load ${sampled.mb.toFixed(0)} MB at ${sampled.atS.toFixed(0)} s, ${atEnd?.rssMb.toFixed(0)} MB when the load stopped`,
  );

  const problems = [
    figures.serverErrorCount && `${figures.serverErrorCount} answers of HTTP 500+`,
    figures.failures.length && `${figures.failures.length} failed turns`,
    unfinished && `${unfinished} referrers could not finish`,
    unconfirmed && `${unconfirmed} submissions never confirmed`,
    storedOnce.missing.length && `cases lost: ${storedOnce.missing.join(", ")}`,
    storedOnce.doubled.length && `cases doubled: ${storedOnce.doubled.join(", ")}`,
    storedOnce.unexpected.length &&
      `cases stored that no one saw submitted: ${storedOnce.unexpected.join(", ")}`,
    perReferrer.doubled.length && `referrers with two cases: ${perReferrer.doubled.length}`,
    postedOnce.missing.length && `new-case cards missing: ${postedOnce.missing.join(", ")}`,
    postedOnce.doubled.length && `new-case cards doubled: ${postedOnce.doubled.join(", ")}`,
    postedOnce.unexpected.length &&
      `new-case cards for no submitted case: ${postedOnce.unexpected.join(", ")}`,
    behind.length && `channel cards behind their case's status: ${behind.join(", ")}`,
    givenUp && `${givenUp} outbox items given up`,
    leaks.length && `${leaks.length} log lines with personal data`,
  ].filter((problem): problem is string => typeof problem === "string");
  console.log(
    problems.length ? `\nFAILED: ${problems.join("; ")}` : "\nPASSED: no errors, nothing lost or doubled",
  );
  return problems.length ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error("The load suite could not run:", error);
  process.exitCode = 1;
} finally {
  for (const each of started.reverse()) await each.stop();
  // Each stand-in is stopped only if it started (stopping one that never listened would wait forever).
  if (fakesStarted) await Promise.all([teams.stop(), graph.stop()]);
}
