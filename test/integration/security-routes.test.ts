import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { caseActionNames } from "../../bot/cases/actions.js";
import { draftIdFor } from "../../bot/referrals/draft.js";
import { fileDownloadInfo } from "../../bot/teams/dispatch.js";
import type { Route, Scope, Who as RouteWho } from "../../bot/teams/route.js";
import { routes } from "../../bot/teams/routes.js";
import { startCountingCosmos, type CosmosCounts, type CountingCosmos } from "../support/cosmos-counter.js";
import { inTenant } from "../support/jwks.js";
import {
  actionData,
  cardAction,
  channelId,
  channelMessage,
  people,
  personalConversationId,
  personalMessage,
  eventually,
  startHarness,
  tenantId,
  type Harness,
  type Who,
} from "../support/harness.js";
import { refer, sayRefer } from "../support/referral-walk.js";

/*
 * Issue 15, item 4: every route of the route table, for every role the code knows, in each scope,
 * and from a foreign tenant, over HTTP through the real server. Each cell's expected answer is
 * read from the route's own `scopes` and `who`; dispatch checks scope, then input, then who, so
 * every route is sent a valid input (its example below) and only the scope and the role decide.
 */

type Role = "referrer" | "officer" | "manager";

/** The people who hold each role: someone outside the CME team (a school's DSL), an officer, a manager. */
const roles: Record<Role, Who> = { referrer: people.dsl, officer: people.officer, manager: people.manager };

/** Who may use a route of each `who`, as docs/DESIGN.md "Roles" says (managers work cases too). */
const allowedRoles: Record<RouteWho, readonly Role[]> = {
  anyone: ["referrer", "officer", "manager"],
  "cme-team": ["officer", "manager"],
  manager: ["manager"],
};

const scopes: readonly Scope[] = ["personal", "team"];

/** The default words of each refusal (docs/DESIGN.md, "What a person is told instead"). */
const defaultElsewhere: Record<Scope, string> = {
  personal: "Say that in a personal chat with me.",
  team: "Say that in the CME team's channel.",
};
const defaultNotAllowed = "That is for the CME team.";
const defaultMalformed: Record<Route["kind"], string> = {
  command: "I couldn't read that.",
  verb: "I couldn't read that button (the card may be damaged). Nothing was changed.",
  file: "I couldn't read that file's details from Teams: send it again.",
};

/** What the edge tells someone from a tenant not in ALLOWED_TENANT_IDS (bot/teams/bot.ts). */
const foreignInvoke = { status: 403, message: "This organisation is not allowed to use CME Referrals." };
const foreignMessage = "Your organisation is not set up to use CME Referrals.";
const foreignTenant = "tenant-elsewhere";

function labelOf(route: Route): string {
  return route.kind === "verb" ? route.verb : route.kind === "file" ? route.file : route.name;
}

/** What the examples are made from: a case of the seeded referral, each person's own draft, an extract to fetch. */
interface Seeded {
  readonly reference: string;
  /** The data on the person's own draft card (its id and version, the step it shows). */
  draftOf(who: Who): Record<string, unknown>;
  readonly extractUrl: string;
}

/**
 * The smallest valid input of each route, by its name, verb or file: a command's words after its
 * name, a button's data, a file's attachment. A route added to the table is covered by adding
 * its example here: the test fails, naming it, until then.
 */
/** An import's lists as its card's buttons name them (an import no longer kept: the answer says so). */
const extractPage = {
  importId: "an-import",
  pages: { "compulsory-no-place": 0, "rising-fives": 0, "leavers-no-forwarding-school": 0 },
};

const examples: Record<string, (seeded: Seeded, who: Who) => unknown> = {
  help: () => "",
  refer: () => "school",
  resume: () => "",
  cancel: () => "",
  "referral.start": () => ({ kind: "school-age" }),
  "referral.keep": (seeded, who) => ({ draftId: seeded.draftOf(who).draftId }),
  "referral.next": (seeded, who) => seeded.draftOf(who),
  "referral.back": (seeded, who) => seeded.draftOf(who),
  "referral.save": (seeded, who) => seeded.draftOf(who),
  "referral.addRow": (seeded, who) => ({ ...seeded.draftOf(who), group: "parents" }),
  "referral.removeRow": (seeded, who) => ({ ...seeded.draftOf(who), group: "parents", index: 0 }),
  "referral.edit": (seeded, who) => seeded.draftOf(who),
  "referral.cancel": (seeded, who) => seeded.draftOf(who),
  "referral.submit": (seeded, who) => seeded.draftOf(who),
  "my referrals": () => "",
  status: () => "",
  overdue: () => "",
  find: ({ reference }) => reference.toLowerCase(),
  caseload: () => "",
  "cases.list": () => ({ list: "overdue", page: 0 }),
  report: () => "",
  "report.page": () => ({ name: "referrals", from: "2026-09-01", to: "2026-12-31", page: 0 }),
  "dfe return": () => "",
  "dfe.return": () => ({ census: "2026-10-01" }),
  setup: () => "",
  case: ({ reference }) => reference.toLowerCase(),
  history: ({ reference }) => reference.toLowerCase(),
  export: ({ reference }) => reference.toLowerCase(),
  "case.refresh": ({ reference }) => ({ caseId: reference }),
  "case.details": ({ reference }) => ({ caseId: reference }),
  "case.history": ({ reference }) => ({ caseId: reference }),
  // Every case action: the case alone (its own fields are the domain's to check, after the role).
  ...Object.fromEntries(
    caseActionNames.map((name) => [`case.${name}`, ({ reference }: Seeded) => ({ caseId: reference })]),
  ),
  "pupil extract": ({ extractUrl }) => ({
    contentType: fileDownloadInfo,
    name: "extract.csv",
    content: { downloadUrl: extractUrl, fileType: "csv" },
  }),
  "extract.page": () => extractPage,
  "extract.open": () => ({ ...extractPage, row: 2 }),
  "extract.openAll": () => extractPage,
  "extract.openAllConfirm": () => extractPage,
  "extract.openAllCancel": () => extractPage,
};

/** A pupil extract with its columns and no pupils, served from loopback (Teams' file store in local mode). */
const emptyExtract =
  "UPN,Legal Forename,Legal Surname,DOB,Gender,Address,Postcode,Current Establishment,On Roll,Date Left,Destination\r\n";

/** What a cell should answer: refused with these words, or the handler's own answer. */
type Expected = { refused: "scope" | "role"; words: string } | { refused: false };

function expectedOf(route: Route, scope: Scope, role: Role): Expected {
  if (!route.scopes.includes(scope))
    return {
      refused: "scope",
      words: route.elsewhere ?? defaultElsewhere[route.scopes.includes("personal") ? "personal" : "team"],
    };
  if (!allowedRoles[route.who].includes(role))
    return { refused: "role", words: route.notAllowed ?? defaultNotAllowed };
  return { refused: false };
}

/** Every refusal a route can give (a handler's answer is none of them). */
function refusalsOf(route: Route): string[] {
  return [
    route.elsewhere ?? "",
    ...Object.values(defaultElsewhere),
    route.notAllowed ?? defaultNotAllowed,
    route.malformed ?? defaultMalformed[route.kind],
  ].filter(Boolean);
}

/** What the person was answered: a card, or words (one per message the bot sent). */
interface Answer {
  readonly status: number;
  readonly texts: readonly string[];
  readonly cards: number;
}

/**
 * The store requests made, but those allowed: a route refused for its scope reads nothing; one
 * refused for the role reads at most the settings (which team holds the case channel: its
 * members are the CME officers).
 */
function storeAsked(counts: CosmosCounts, allowed: (key: string) => boolean = () => false): string[] {
  return [...counts.entries()].filter(([key]) => !allowed(key)).map(([key, count]) => `${key} ×${count}`);
}
const settingsRead = (key: string) => key === "read settings" || key === "query settings";

describe("security: every route × every role × each scope, and a foreign tenant (from the route table)", () => {
  let cosmos: CountingCosmos;
  let h: Harness;
  let files: Server;
  let seeded: Seeded;
  before(async () => {
    cosmos = await startCountingCosmos();
    h = await startHarness({
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      ALLOWED_TENANT_IDS: tenantId,
      // Some 600 turns in a row: the rate limit is proven elsewhere (security.test.ts).
      MESSAGES_PER_SECOND: "10000",
    });
    files = createServer((_, res) => {
      res.writeHead(200, { "content-type": "text/csv" });
      res.end(emptyExtract);
    });
    await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
    await refer(h, people.dsl);
    const drafts = new Map<string, Record<string, unknown>>();
    for (const who of Object.values(roles)) {
      const card = await sayRefer(h, who, "refer early years");
      const data = actionData(card, "referral.next");
      expect(data.draftId).to.equal(draftIdFor(who.id, "early-years"));
      drafts.set(who.id, { draftId: data.draftId, version: data.version, step: data.step });
    }
    await h.app.services.outbox.idle();
    seeded = {
      reference: `CME-${new Date().getUTCFullYear()}-00001`,
      draftOf(who) {
        const draft = drafts.get(who.id);
        if (!draft) throw new Error(`no draft seeded for ${who.name}`);
        return draft;
      },
      extractUrl: `http://127.0.0.1:${(files.address() as AddressInfo).port}/extract.csv`,
    };
  });
  after(async () => {
    await h.close();
    await cosmos.close();
    files.closeAllConnections();
    await new Promise((resolve) => files.close(resolve));
  });

  /** The activity that uses the route: its command typed, its button pressed, or its file sent. */
  function activityFor(route: Route, scope: Scope, who: Who, input: unknown): Record<string, unknown> {
    const where = scope === "personal" ? "personal" : "channel";
    if (route.kind === "verb")
      return cardAction(h.teams, who, where, route.verb, input as Record<string, unknown>);
    const message = (text: string) =>
      scope === "personal" ? personalMessage(h.teams, who, text) : channelMessage(h.teams, who, text);
    if (route.kind === "file") return { ...message(""), attachments: [input] };
    return message(`${route.name} ${String(input)}`.trim());
  }

  async function answerTo(activity: Record<string, unknown>, scope: Scope, who: Who): Promise<Answer> {
    const conversation = scope === "personal" ? personalConversationId(who) : `${channelId};messageid=1`;
    const before = h.teams.replies(conversation).length;
    const response = await h.send(activity);
    await h.app.services.outbox.idle();
    if (activity.type === "invoke") {
      const body = response.body as { type?: string; value?: unknown; statusCode?: number };
      const isCard = body?.type === "application/vnd.microsoft.card.adaptive";
      const words =
        body?.type === "application/vnd.microsoft.error"
          ? (body.value as { message?: string }).message
          : isCard
            ? undefined
            : String(body?.value);
      return { status: response.status, texts: words ? [words] : [], cards: isCard ? 1 : 0 };
    }
    // A file is answered "Reading …" at once and its lists posted after the turn: wait for them,
    // so the cell's store requests and posts are its own, not counted against the next cell.
    const reading = () =>
      h.teams
        .replies(conversation)
        .slice(before)
        .some(({ body }) => typeof body.text === "string" && body.text.startsWith("Reading "));
    if (reading())
      await eventually(() => {
        if (h.teams.replies(conversation).length < before + 2)
          throw new Error("the lists are not posted yet");
      }, 15_000);
    const replies = h.teams.replies(conversation).slice(before);
    return {
      status: response.status,
      texts: replies.flatMap(({ body }) => (typeof body.text === "string" ? [body.text] : [])),
      cards: replies.filter(({ body }) => Array.isArray(body.attachments) && body.attachments.length > 0)
        .length,
    };
  }

  it("answers each cell as the route's scopes and who say; a foreign tenant is refused at the edge with no store read", async function () {
    this.timeout(300_000);
    const labels = routes.map(labelOf);
    expect(
      labels.filter((label) => !(label in examples)),
      "routes with no example input (add one to `examples`)",
    ).to.deep.equal([]);
    expect(
      Object.keys(examples).filter((label) => !labels.includes(label)),
      "examples of routes the table no longer has",
    ).to.deep.equal([]);

    const wrong: string[] = [];
    let cells = 0;
    let foreignCells = 0;
    for (const route of routes) {
      const label = labelOf(route);
      const example = examples[label];
      if (!example) continue;
      for (const scope of scopes) {
        for (const [role, who] of Object.entries(roles) as [Role, Who][]) {
          const cell = `${label} by the ${role} in ${scope}`;
          const expected = expectedOf(route, scope, role);
          const activity = activityFor(route, scope, who, example(seeded, who));
          cosmos.take();
          const answer = await answerTo(activity, scope, who);
          const counts = cosmos.take();
          cells += 1;
          const said = `${answer.status} ${JSON.stringify(answer.texts).slice(0, 200)} (${answer.cards} cards)`;
          if (answer.status !== 200) wrong.push(`${cell}: HTTP ${said}`);
          else if (expected.refused) {
            if (answer.texts.length !== 1 || answer.texts[0] !== expected.words || answer.cards > 0)
              wrong.push(
                `${cell}: expected the ${expected.refused} refusal "${expected.words}", got ${said}`,
              );
            // Nothing of the route's data is read before its scope and role are checked.
            const asked = storeAsked(counts, expected.refused === "role" ? settingsRead : undefined);
            if (asked.length > 0) wrong.push(`${cell}: refused, but the store was asked ${asked.join(", ")}`);
          } else {
            const refusal = answer.texts.find((text) => refusalsOf(route).includes(text));
            if (refusal !== undefined)
              wrong.push(`${cell}: expected the handler's answer, got a refusal ${said}`);
            else if (answer.texts.length === 0 && answer.cards === 0) wrong.push(`${cell}: no answer`);
            else if (answer.texts.some((text) => /Something went wrong/.test(text)))
              wrong.push(`${cell}: the handler failed: ${said}`);
          }

          // The same from another organisation's tenant: refused before any route is looked for.
          const linesBefore = h.logLines.length;
          const sentBefore = h.teams.sent.length;
          const foreign = await answerTo(inTenant(activity, foreignTenant), scope, who);
          const foreignAsked = storeAsked(cosmos.take());
          foreignCells += 1;
          const refusedAtEdge =
            activity.type === "invoke"
              ? foreign.status === foreignInvoke.status && foreign.texts[0] === foreignInvoke.message
              : foreign.status === 200 &&
                foreign.texts.length === 1 &&
                foreign.texts[0]?.startsWith(foreignMessage);
          if (!refusedAtEdge)
            wrong.push(`${cell}, from a foreign tenant: ${foreign.status} ${JSON.stringify(foreign.texts)}`);
          if (foreignAsked.length > 0)
            wrong.push(`${cell}, from a foreign tenant: the store was asked ${foreignAsked.join(", ")}`);
          // Nothing sent to Teams but the refusal (a message's one reply; an invoke's is its HTTP answer).
          const sentToTeams = h.teams.sent.length - sentBefore;
          if (sentToTeams !== (activity.type === "invoke" ? 0 : 1))
            wrong.push(`${cell}, from a foreign tenant: ${sentToTeams} activities sent to Teams`);
          if (!h.logLines.slice(linesBefore).some((line) => line.includes('"event":"turn.refused.tenant"')))
            wrong.push(`${cell}, from a foreign tenant: no turn.refused.tenant line`);
        }
      }
    }
    console.log(
      `    route table: ${routes.length} routes × ${Object.keys(roles).length} roles × ${scopes.length} scopes = ${cells} cells checked, and ${foreignCells} from a foreign tenant`,
    );
    expect(wrong, "cells that did not answer as the route table says").to.deep.equal([]);
  });
});
