import { z } from "zod";
import type { ListRequest } from "../reports/case-lists.js";
import { listOf, statusOf, type ListSources } from "../reports/lists.js";
import type { Services } from "../services.js";
import { cardNumber } from "./inbound.js";
import { renderCard, type CardJson } from "./render-card.js";
import { command, verb, type Route } from "./route.js";
import { ukDate } from "../shared/uk-dates.js";

/** The status card, and the lists of cases a CME officer or manager acts on (`overdue`, `caseload`, `find`). */

const notForReferrers =
  "Status and case lists are for the CME team. If you made a referral, say 'my referrals'.";
const listsInPersonalChat = "Lists of cases name children: say it in a personal chat with me.";

/** The Next/Previous and "their cases" buttons' data, checked before anything reads it. */
const listCardData = z.discriminatedUnion("list", [
  z.object({ list: z.enum(["overdue", "escalated", "unassigned", "caseload"]), page: cardNumber(100_000) }),
  z.object({ list: z.literal("owner"), officer: z.string().min(1).max(200), page: cardNumber(100_000) }),
  z.object({ list: z.literal("find"), search: z.string().min(1).max(100), page: cardNumber(100_000) }),
]);

const sourcesOf = (services: Services): ListSources => ({
  cases: services.cases,
  outbox: services.outboxStore,
});

/** A list's card, for the page asked. */
async function listCard(services: Services, request: ListRequest, page: number): Promise<CardJson> {
  const { template, view } = await listOf(sourcesOf(services), request, page, {
    now: services.now(),
    clocks: services.clocks,
  });
  return renderCard(template, view);
}

/** A list in personal chat, for CME officers and managers: its words after the command, if any, ignored. */
function listCommand(name: "overdue" | "caseload", description: string): Route {
  return command({
    name,
    description,
    scopes: ["personal"],
    who: "cme-team",
    elsewhere: listsInPersonalChat,
    notAllowed: notForReferrers,
    input: z.string(),
    handle: async ({ services }) => ({ card: await listCard(services, { list: name }, 0) }),
  });
}

export const listRoutes: readonly Route[] = [
  // In the channel too: counts only.
  command({
    name: "status",
    description:
      "CME team: open cases by status, priority, owner and how long open; overdue, escalated, waiting for sign-off",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed: notForReferrers,
    input: z.string(),
    handle: async ({ services }) => {
      const now = services.now();
      const view = await statusOf(sourcesOf(services), {
        now,
        today: ukDate(now),
        clocks: services.clocks,
        termDates: services.config.termDates,
      });
      return { card: renderCard("status", view) };
    },
  }),
  listCommand("overdue", "CME team: the open cases with a clock overdue, most overdue first"),
  command({
    name: "find",
    description: "CME team: 'find Smith' (a surname, a UPN or a reference) lists the cases, open first",
    scopes: ["personal"],
    who: "cme-team",
    elsewhere: listsInPersonalChat,
    notAllowed: notForReferrers,
    input: z
      .string()
      .min(1)
      .transform((words) => words.slice(0, 100)),
    malformed: "Say 'find' and a surname, a UPN or a reference, e.g. 'find Smith'.",
    handle: async ({ services }, search) => ({ card: await listCard(services, { list: "find", search }, 0) }),
  }),
  listCommand("caseload", "CME team: each officer's open, urgent and overdue cases, then the unassigned"),
  // Next, Previous, "their cases" and the status card's list buttons.
  verb({
    verb: "cases.list",
    scopes: ["personal"],
    who: "cme-team",
    elsewhere: listsInPersonalChat,
    notAllowed: notForReferrers,
    input: listCardData,
    malformed: "That button does not say which list it is.",
    handle: async ({ services }, { page, ...request }) => ({ card: await listCard(services, request, page) }),
  }),
];
