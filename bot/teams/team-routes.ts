import { z } from "zod";
import { dfeReturnCommand, handleDfeAction } from "./dfe-return-command.js";
import { replyOfInvoke } from "./invoke-responses.js";
import { handleListAction, listCommand, statusCommand } from "./manager-commands.js";
import { handleReportAction, reportCommand } from "./report-commands.js";
import { myReferrals, setup, setupInChannel } from "./commands.js";
import { command, verb, type Route } from "./route.js";

const words = z.string();
const cardData = z.record(z.string(), z.unknown());
const notForReferrers =
  "Status and case lists are for the CME team. If you made a referral, say 'my referrals'.";
const reportsNotForYou =
  "Reports are for CME officers and managers. If you made a referral, say 'my referrals' to see what is happening with it.";
const dfeReturnNotForYou = "The DfE return is for CME officers and managers.";
const listsInPersonalChat = "Lists of cases name children: say it in a personal chat with me.";

/** The CME team's picture of its work (status, lists, reports, the DfE return), a referrer's own list, and setup. */
export const teamRoutes: readonly Route[] = [
  command({
    name: "my referrals",
    description: "The children you referred and what is happening with each",
    scopes: ["personal"],
    who: "anyone",
    elsewhere: "Say 'my referrals' in a personal chat with me: the list names children.",
    input: words,
    handle: myReferrals,
  }),
  command({
    name: "status",
    description:
      "CME team: open cases by status, priority, owner and how long open; overdue, escalated, waiting for sign-off",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed: notForReferrers,
    input: words,
    handle: async ({ services, context }) => {
      await statusCommand(services, context);
      return {};
    },
  }),
  ...(
    [
      ["overdue", "CME team: the open cases with a clock overdue, most overdue first"],
      ["find", "CME team: 'find Smith' (a surname, a UPN or a reference) lists the cases, open first"],
    ] as const
  ).map(([name, description]) =>
    command({
      name,
      description,
      scopes: ["personal"],
      who: "cme-team",
      elsewhere: listsInPersonalChat,
      notAllowed: notForReferrers,
      input: words,
      handle: async ({ services, context }, rest) => {
        await listCommand(services, context, name, rest);
        return {};
      },
    }),
  ),
  command({
    name: "report",
    description:
      "CME team: 'report' lists the reports; 'report referrals from 2025-09-01 to 2025-12-31' runs one (CSV in personal chat)",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed: reportsNotForYou,
    input: words,
    handle: async ({ services, context }, rest) => {
      await reportCommand(services, context, rest);
      return {};
    },
  }),
  command({
    name: "dfe return",
    aliases: ["dfe"],
    description:
      "CME team: 'dfe return [2026-10-01]' gives the DfE's termly CME return for a census day, as the DfE asks for it",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed: dfeReturnNotForYou,
    input: z
      .string()
      .transform((rest) => rest.split(/\s+/).filter(Boolean))
      .refine(([census, ...more]) => more.length <= 1 && (census === undefined || /^\d/.test(census))),
    malformed:
      "Say 'dfe return' for the latest census day, or 'dfe return 2026-10-01' (and a year, like 2025/26, for the any-time measure).",
    handle: async ({ services, context }, rest) => {
      await dfeReturnCommand(services, context, ["return", ...rest].join(" "));
      return {};
    },
  }),
  command({
    name: "caseload",
    description: "CME team: each officer's open, urgent and overdue cases, then the unassigned",
    scopes: ["personal"],
    who: "cme-team",
    elsewhere: listsInPersonalChat,
    notAllowed: notForReferrers,
    input: words,
    handle: async ({ services, context }, rest) => {
      await listCommand(services, context, "caseload", rest);
      return {};
    },
  }),
  command({
    name: "setup",
    description: "CME managers, in the CME team's channel: make it the channel where new cases are posted",
    scopes: ["team"],
    who: "manager",
    elsewhere: setupInChannel,
    notAllowed: "Only a CME manager can choose the case channel.",
    input: words,
    handle: setup,
  }),
  verb({
    verb: "cases.list",
    scopes: ["personal"],
    who: "cme-team",
    elsewhere: listsInPersonalChat,
    notAllowed: notForReferrers,
    input: cardData,
    handle: async ({ services, context, log }, data) =>
      replyOfInvoke(await handleListAction(services, context, data, log)),
  }),
  verb({
    verb: "report.page",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed: reportsNotForYou,
    input: cardData,
    handle: async ({ services, context }, data) =>
      replyOfInvoke(await handleReportAction(services, context, "report.page", data)),
  }),
  verb({
    verb: "dfe.return",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed: dfeReturnNotForYou,
    input: cardData,
    handle: async ({ services, context, log }, data) =>
      replyOfInvoke(await handleDfeAction(services, context, "dfe.return", data, log)),
  }),
];
