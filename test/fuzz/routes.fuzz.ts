import type { Container } from "@azure/cosmos";
import * as fc from "fast-check";
import { caseActionFields, caseActionNames } from "../../bot/cases/actions.js";
import { referralKinds } from "../../bot/referrals/draft.js";
import { routes } from "../../bot/teams/routes.js";
import {
  cardAction,
  cardActions,
  channelMessage,
  invokeCard,
  people,
  personalMessage,
  startHarness,
  tenantId,
  type Harness,
  type Who,
} from "../support/harness.js";
import { goodEarlyYearsAnswers, refer, sayRefer, next, goodAnswers } from "../support/referral-walk.js";
import {
  countCase,
  expectClearAnswer,
  expectDocumentsValid,
  expectEveryDocumentValid,
  holds,
  hostileString,
  hostileValue,
  prototypeKeys,
  sendTimed,
  runsFor,
  suiteTimeout,
  triedRoutes,
  withOwnKey,
  type Sent,
} from "./fuzz-support.js";

type Json = Record<string, unknown>;

const routeName = (route: (typeof routes)[number]) =>
  route.kind === "verb"
    ? `verb: ${route.verb}`
    : route.kind === "command"
      ? `command: ${route.name}`
      : "file";

/** Someone in the tenant whom Teams does not list (their role cannot be told). */
const stranger: Who = {
  id: "29:stranger",
  aadObjectId: "aad-stranger",
  name: "Sam Stranger",
  userPrincipalName: "s@x",
};
const everyone: readonly Who[] = [...Object.values(people), stranger];

/** The ids of every input on a card (the wizard's fields, a case action's form). */
function inputsOf(card: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(card)) for (const item of card) inputsOf(item, found);
  else if (card && typeof card === "object") {
    const record = card as Json;
    if (typeof record.type === "string" && record.type.startsWith("Input.") && typeof record.id === "string")
      found.add(record.id);
    for (const value of Object.values(record)) inputsOf(value, found);
  }
  return found;
}

describe("hostile input, generated: every route of the route table", function () {
  this.timeout(suiteTimeout(0.45));
  let h: Harness;
  const year = new Date().getUTCFullYear();
  const ownCase = `CME-${year}-00001`;
  const othersCase = `CME-${year}-00002`;
  /** Each verb's data as the bot's own cards carry it, and the inputs those cards have. */
  const seen = new Map<string, Json[]>();
  const inputs = new Set<string>();
  /** What the runs may change, as it stood before them: put back before each run that needs it. */
  const asBefore = new Map<string, { container: Container; key: string; body?: Json; etag?: string }>();

  const harvest = (card: unknown) => {
    for (const { verb, data } of cardActions(card)) seen.set(verb, [...(seen.get(verb) ?? []), data]);
    for (const id of inputsOf(card)) inputs.add(id);
  };
  const pressed = async (who: Who, where: "personal" | "channel", verb: string, data: Json) => {
    const card = invokeCard(await h.send(cardAction(h.teams, who, where, verb, data)));
    harvest(card);
    return card;
  };

  before(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: tenantId, MESSAGES_PER_SECOND: "100000" });
    harvest(await refer(h, people.dsl));
    harvest(await refer(h, people.earlyYears, goodEarlyYearsAnswers, "refer early years"));
    // A draft part-way, its first step's card now stale; the case cards as the team sees them.
    const first = await sayRefer(h, people.dsl);
    harvest(first);
    harvest(await next(h, people.dsl, first, goodAnswers.whatHappened));
    for (const caseId of [ownCase, othersCase])
      await pressed(people.officer, "channel", "case.refresh", { caseId });
    await pressed(people.officer, "channel", "case.details", { caseId: ownCase });
    await pressed(people.officer, "channel", "case.history", { caseId: ownCase });
    for (const words of ["status", "overdue", "caseload", "report", "dfe return", "help"])
      await h.send(personalMessage(h.teams, people.manager, words));
    for (const sent of h.teams.sent) {
      const attachments = (sent.body.attachments ?? []) as { content?: unknown }[];
      for (const attachment of attachments) harvest(attachment.content);
    }
    const drafts = h.storeContainer("drafts");
    for (const who of everyone)
      for (const kind of referralKinds) asBefore.set(`${who.id}|${kind}`, { container: drafts, key: who.id });
    for (const id of [ownCase, othersCase])
      asBefore.set(id, { container: h.storeContainer("cases"), key: id });
    for (const [id, kept] of asBefore) {
      const { resource } = await kept.container.item(id, kept.key).read<Json>();
      if (resource) Object.assign(kept, { body: bodyOf(resource), etag: resource._etag });
    }
  });
  after(() => h.close());

  const bodyOf = (stored: Json): Json =>
    Object.fromEntries(
      Object.entries(stored).filter(
        ([key]) => !["_rid", "_self", "_etag", "_attachments", "_ts"].includes(key),
      ),
    );

  /** Puts back the actor's drafts and the cases as they stood before the runs, where a run changed them. */
  const reset = async (ids: readonly string[]) => {
    for (const id of ids) {
      const kept = asBefore.get(id)!;
      const { resource } = await kept.container.item(id, kept.key).read<Json>();
      if (resource && resource._etag === kept.etag) continue;
      if (!kept.body) {
        if (resource) await kept.container.item(id, kept.key).delete();
        continue;
      }
      const { resource: restored } = await kept.container.items.upsert<Json>(kept.body);
      kept.etag = restored?._etag;
    }
  };

  /**
   * What a run may have written: the actor's drafts and the cases, checked before the next run's
   * reset puts them back (what runs create beside them is checked after all the runs).
   */
  const expectTouchedValid = (who: Who) =>
    expectDocumentsValid(h, [
      ...referralKinds.map((kind) => ({ container: "drafts", id: `${who.id}|${kind}`, key: who.id })),
      ...[ownCase, othersCase].map((id) => ({ container: "cases", id, key: id })),
    ]);

  /** Values that belong somewhere else: another person's draft, another case, a stale revision, another card's verb. */
  const foreign = fc.constantFrom<unknown>(
    `${people.officer.id}|school-age`,
    `${people.dsl.id}|school-age`,
    `${people.dsl.id}|early-years`,
    `${people.earlyYears.id}|early-years`,
    ownCase,
    othersCase,
    `CME-${year}-99999`,
    "CME-1999-00001",
    0,
    1,
    "1",
    999_999,
    "case.close",
    "referral.submit",
    "import-0000",
    "whereabouts-unknown",
    "2026-02-30",
  );
  const value = fc.oneof({ weight: 3, arbitrary: hostileValue }, { weight: 2, arbitrary: foreign });

  const verbs = routes.flatMap((route) => (route.kind === "verb" ? [route] : []));
  const commands = routes.flatMap((route) => (route.kind === "command" ? [route] : []));

  it("answers every verb, with missing, wrong-typed, oversized and foreign data, clearly and never with a 5xx", async () => {
    const allSeen = () => [...seen.values()].flat();
    const cases = fc.record({
      verb: fc.nat(),
      who: fc.nat(),
      where: fc.constantFrom("personal" as const, "channel" as const),
      base: fc.oneof(
        { weight: 4, arbitrary: fc.constant("own" as const) },
        { weight: 1, arbitrary: fc.constant("another card's" as const) },
        { weight: 1, arbitrary: fc.constant("none" as const) },
      ),
      pick: fc.nat(),
      edits: fc.array(
        fc.tuple(
          fc.oneof(
            { weight: 4, arbitrary: fc.nat().map((index) => ({ existing: index })) },
            { weight: 1, arbitrary: fc.constantFrom(...prototypeKeys).map((key) => ({ key })) },
            { weight: 1, arbitrary: hostileString.map((key) => ({ key: key.slice(0, 64) })) },
          ),
          fc.option(value, { freq: 6 }),
        ),
        { maxLength: 5 },
      ),
    });
    await holds("verbs", 0.45, cases, async ({ verb: index, who: whoIndex, where, base, pick, edits }) => {
      const route = verbs[index % verbs.length]!;
      const who = everyone[whoIndex % everyone.length]!;
      countCase(routeName(route));
      const own = seen.get(route.verb) ?? [];
      const from = base === "own" && own.length > 0 ? own : base === "none" ? [{}] : allSeen();
      const data: Json = { ...from[pick % from.length] };
      const [group, name] = route.verb.split(".");
      const fields =
        group === "case" && caseActionNames.includes(name as never)
          ? caseActionFields(name as never).map((field) => `${name}.${field}`)
          : [];
      const keys = [...Object.keys(data), ...fields, ...inputs];
      for (const [target, change] of edits) {
        const key = "key" in target ? target.key : keys[target.existing % keys.length]!;
        if (change === null) delete data[key];
        else withOwnKey(data, key, change);
      }
      // What this verb reads is put back: the person's drafts, or the cases.
      await reset(
        group === "referral" ? [`${who.id}|school-age`, `${who.id}|early-years`] : [ownCase, othersCase],
      );
      const sent: Sent = { activity: cardAction(h.teams, who, where, route.verb, data) };
      expectClearAnswer(sent, await sendTimed(h, sent));
      await expectTouchedValid(who);
    });
  });

  it("answers every command, with missing, wrong and hostile words, clearly and never with a 5xx", async () => {
    const words = fc.oneof(
      { weight: 3, arbitrary: hostileString },
      { weight: 2, arbitrary: foreign.map(String) },
      { weight: 1, arbitrary: fc.constantFrom("", "school", "early years", "ey", "x y z") },
    );
    const cases = fc.record({
      command: fc.nat(),
      alias: fc.nat(),
      who: fc.nat(),
      where: fc.constantFrom("personal" as const, "channel" as const),
      rest: fc.array(words, { maxLength: 3 }),
      alone: fc.boolean(),
    });
    await holds("commands", 0.19, cases, async ({ command, alias, who: whoIndex, where, rest, alone }) => {
      const route = commands[command % commands.length]!;
      const who = everyone[whoIndex % everyone.length]!;
      const names = [route.name, ...(route.aliases ?? [])];
      // Now and then no command at all: the words alone.
      const text =
        alone && rest.length > 0 ? rest.join(" ") : [names[alias % names.length], ...rest].join(" ");
      countCase(alone && rest.length > 0 ? "command: words alone" : routeName(route));
      await reset([`${who.id}|school-age`, `${who.id}|early-years`]);
      const activity =
        where === "personal" ? personalMessage(h.teams, who, text) : channelMessage(h.teams, who, text);
      const sent: Sent = { activity };
      expectClearAnswer(sent, await sendTimed(h, sent));
      await expectTouchedValid(who);
    });
  });

  it("left every stored document valid, and tried every route of the table", async () => {
    await expectEveryDocumentValid(h);
    const tried = triedRoutes();
    const untried = routes.filter((route) => route.kind !== "file" && !tried.has(routeName(route)));
    if (runsFor(0.45) >= 20 * verbs.length && untried.length > 0)
      throw new Error(`routes never tried: ${untried.map(routeName).join(", ")}`);
  });
});
