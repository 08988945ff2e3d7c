import type { AdaptiveCardInvokeResponse, TurnContext } from "botbuilder";
import { z } from "zod";
import { clockLevelsOf } from "../escalations/due.js";
import type { Log } from "../log.js";
import {
  caseListView,
  caseloadOf,
  caseloadView,
  caseRowView,
  caseSearchOf,
  foundRows,
  overdueRows,
  overdueRowView,
  pageOf,
  type ListRequest,
} from "../reports/case-lists.js";
import { statusView } from "../reports/status.js";
import { ukDate } from "../referrals/school-age.js";
import { formatDateTime } from "../people/format.js";
import type { Services } from "../services.js";
import type { LevelsOf } from "../store/case-store.js";
import { worksCases } from "./actor.js";
import { cardNumber, problemsWith } from "./inbound.js";
import { messageResponse } from "./invoke-responses.js";
import { renderCard, type CardJson } from "./render-card.js";
import { CardFactory } from "botbuilder";

/** The status card, and the lists of cases a CME officer or manager acts on (`overdue`, `caseload`, `find`). */

const notForReferrers =
  "Status and case lists are for the CME team. If you made a referral, say 'my referrals'.";
const listsInPersonalChat = "Lists of cases name children: say it in a personal chat with me.";
const escalatedWithinDays = 7;

/** The Next/Previous and "their cases" buttons' data, checked before anything reads it. */
const listCardData = z.discriminatedUnion("list", [
  z.object({ list: z.enum(["overdue", "escalated", "unassigned", "caseload"]), page: cardNumber(100_000) }),
  z.object({ list: z.literal("owner"), officer: z.string().min(1).max(200), page: cardNumber(100_000) }),
  z.object({ list: z.literal("find"), search: z.string().min(1).max(100), page: cardNumber(100_000) }),
]);

const levelsOf =
  (services: Services): LevelsOf =>
  (current) =>
    clockLevelsOf(current, services.clocks);

const inPersonalChat = (context: TurnContext) =>
  context.activity.conversation.conversationType === "personal";

/** `status`: the picture of the open cases, for CME officers and managers (in the channel too: counts only). */
export async function statusCommand(services: Services, context: TurnContext): Promise<void> {
  if (!(await worksCases(services, context))) {
    await context.sendActivity(notForReferrers);
    return;
  }
  const now = services.now();
  const [open, closedCount, escalated, failedPosts] = await Promise.all([
    services.cases.openRows(levelsOf(services)),
    services.cases.closedCount(),
    escalatedCases(services, now),
    services.outboxStore.countByState("failed"),
  ]);
  const view = statusView({
    open,
    closedCount,
    escalatedCount: escalated.length,
    failedPosts,
    termDates: services.config.termDates,
    now,
    today: ukDate(now),
  });
  await context.sendActivity({ attachments: [CardFactory.adaptiveCard(renderCard("status", view))] });
}

/** The cases escalated in the last days, latest first, each with its latest escalation. */
async function escalatedCases(services: Services, now: Date) {
  const since = new Date(now.getTime() - escalatedWithinDays * 86_400_000);
  const latest = new Map<string, { rule: string; level: number; at: string }>();
  for (const each of await services.outboxStore.escalationsListSince(since)) {
    const seen = latest.get(each.caseId);
    if (!seen || seen.at < each.at) latest.set(each.caseId, each);
  }
  return [...latest].sort(([, a], [, b]) => b.at.localeCompare(a.at));
}

/** A list's card, for the page asked. */
async function listCard(services: Services, request: ListRequest, page: number): Promise<CardJson> {
  const now = services.now();
  const rules = services.clocks.policy.rules;
  const titleOf = (rule: string, level: number) =>
    `${rules[rule as keyof typeof rules]?.title ?? rule}${level > 1 ? ` (level ${level})` : ""}`;
  switch (request.list) {
    case "overdue": {
      const rows = overdueRows(await services.cases.openRows(levelsOf(services)), now);
      const shown = pageOf(rows, page);
      return renderCard(
        "case-list",
        caseListView(
          "Overdue",
          request,
          { ...shown, items: shown.items.map((row) => overdueRowView(row, now, titleOf)) },
          "Nothing is overdue.",
        ),
      );
    }
    case "escalated": {
      const escalated = await escalatedCases(services, now);
      const shown = pageOf(escalated, page);
      const rows = new Map(
        (
          await services.cases.rowsFor(
            shown.items.map(([caseId]) => caseId),
            levelsOf(services),
          )
        ).map((row) => [row.reference, row]),
      );
      const items = shown.items.flatMap(([caseId, { rule, level, at }]) => {
        const row = rows.get(caseId);
        return row ? [caseRowView(row, `${titleOf(rule, level)} escalated ${formatDateTime(at)}`)] : [];
      });
      return renderCard(
        "case-list",
        caseListView(
          `Escalated in the last ${escalatedWithinDays} days`,
          request,
          { ...shown, items },
          "Nothing was escalated.",
        ),
      );
    }
    case "caseload":
      return renderCard(
        "caseload",
        caseloadView(caseloadOf(await services.cases.openRows(levelsOf(services)), now), page),
      );
    case "owner":
    case "unassigned": {
      const open = await services.cases.openRows(levelsOf(services));
      const rows = open
        .filter((row) => (request.list === "owner" ? row.owner?.id === request.officer : !row.owner))
        .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
      const shown = pageOf(rows, page);
      const title =
        request.list === "owner"
          ? `Open cases of ${rows[0]?.owner?.name ?? "this officer"}`
          : "Unassigned cases";
      return renderCard(
        "case-list",
        caseListView(
          title,
          request,
          { ...shown, items: shown.items.map((row) => caseRowView(row)) },
          "None open.",
        ),
      );
    }
    case "find": {
      const search = caseSearchOf(request.search);
      const rows = search ? foundRows(await services.cases.findRows(search, levelsOf(services))) : [];
      const shown = pageOf(rows, page);
      return renderCard(
        "case-list",
        caseListView(
          `Cases for '${request.search}'`,
          request,
          { ...shown, items: shown.items.map((row) => caseRowView(row)) },
          "No case matches: try the surname as referred, the UPN, or the reference.",
        ),
      );
    }
  }
}

/** `overdue`, `caseload`, `find …`: a list in personal chat for CME officers and managers. */
export async function listCommand(
  services: Services,
  context: TurnContext,
  word: "overdue" | "caseload" | "find",
  rest: string,
): Promise<void> {
  if (!inPersonalChat(context)) {
    await context.sendActivity(listsInPersonalChat);
    return;
  }
  if (!(await worksCases(services, context))) {
    await context.sendActivity(notForReferrers);
    return;
  }
  if (word === "find" && !rest) {
    await context.sendActivity("Say 'find' and a surname, a UPN or a reference, e.g. 'find Smith'.");
    return;
  }
  const request: ListRequest =
    word === "find" ? { list: "find", search: rest.slice(0, 100) } : { list: word };
  await context.sendActivity({
    attachments: [CardFactory.adaptiveCard(await listCard(services, request, 0))],
  });
}

/** Next, Previous, "their cases" and the status card's list buttons. */
export async function handleListAction(
  services: Services,
  context: TurnContext,
  data: Record<string, unknown>,
  log: Log,
): Promise<AdaptiveCardInvokeResponse> {
  const parsed = listCardData.safeParse(data);
  if (!parsed.success) {
    log("invoke.refused.malformed", { verb: "cases.list", problems: problemsWith(parsed.error) });
    return messageResponse("That button does not say which list it is.");
  }
  if (!(await worksCases(services, context))) return messageResponse(notForReferrers);
  if (!inPersonalChat(context)) return messageResponse(listsInPersonalChat);
  const { page, ...request } = parsed.data;
  return {
    statusCode: 200,
    type: "application/vnd.microsoft.card.adaptive",
    value: await listCard(services, request, page),
  };
}
