import { CardFactory, TurnContext } from "botbuilder";
import { caseCardFor, caseForTeamCommand, caseHistoryCard } from "./case-actions.js";
import { offerSubjectAccessExport } from "./subject-access.js";
import { dfeReturnCommand } from "./dfe-return-command.js";
import { reportCommand } from "./report-commands.js";
import { referrerContacts } from "../config.js";
import { myReferralsView } from "../reports/my-referrals.js";
import type { Services } from "../services.js";
import { referrerOf, resolveActor } from "./actor.js";
import { cardAttachment } from "./render-card.js";
import type { ReferralKind } from "../referrals/draft.js";
import { listCommand, statusCommand } from "./manager-commands.js";
import { confirmCancel, referInPersonalChat, startOrResumeReferral } from "./referral-actions.js";

/**
 * What people can say, and where (the help card and the Teams app manifest's command lists; Teams
 * shows the first ten of a scope, so the ones most people use come first).
 */
export const commandList = [
  { name: "help", description: "What I do and what you can say", scopes: ["personal", "team"] },
  {
    name: "refer",
    description:
      "Refer a child missing education (in a personal chat with me); your answers are saved as you go",
    scopes: ["personal"],
  },
  { name: "resume", description: "Carry on with a referral you started", scopes: ["personal"] },
  {
    name: "my referrals",
    description: "The children you referred and what is happening with each",
    scopes: ["personal"],
  },
  {
    name: "status",
    description:
      "CME team: open cases by status, priority, owner and how long open; overdue, escalated, waiting for sign-off",
    scopes: ["personal", "team"],
  },
  {
    name: "overdue",
    description: "CME team: the open cases with a clock overdue, most overdue first",
    scopes: ["personal"],
  },
  {
    name: "find",
    description: "CME team: 'find Smith' (a surname, a UPN or a reference) lists the cases, open first",
    scopes: ["personal"],
  },
  {
    name: "case",
    description: "CME team: 'case CME-2026-00042' (or 'show CME-2026-00042') shows the case card to work it",
    scopes: ["personal", "team"],
  },
  {
    name: "report",
    description:
      "CME team: 'report' lists the reports; 'report referrals from 2025-09-01 to 2025-12-31' runs one (CSV in personal chat)",
    scopes: ["personal", "team"],
  },
  {
    name: "dfe return",
    description:
      "CME team: 'dfe return [2026-10-01]' gives the DfE's termly CME return for a census day, as the DfE asks for it",
    scopes: ["personal", "team"],
  },
  {
    name: "caseload",
    description: "CME team: each officer's open, urgent and overdue cases, then the unassigned",
    scopes: ["personal"],
  },
  {
    name: "history",
    description: "CME team: 'history CME-2026-00042' shows everything that happened on a case",
    scopes: ["personal"],
  },
  {
    name: "export",
    description:
      "CME officers: 'export CME-2026-00042' saves everything held about that child, for a subject access request",
    scopes: ["personal"],
  },
  { name: "cancel", description: "Discard a referral you started (I ask first)", scopes: ["personal"] },
  {
    name: "setup",
    description: "CME managers, in the CME team's channel: make it the channel where new cases are posted",
    scopes: ["team"],
  },
] as const satisfies readonly {
  name: string;
  description: string;
  scopes: readonly ("personal" | "team")[];
}[];

/** The command in a message: mentions of the bot removed, trimmed, lower case. */
export function commandText(context: TurnContext): string {
  const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? "";
  return text
    .replace(/<at>[^<]*<\/at>/g, "")
    .trim()
    .toLowerCase();
}

export function helpCard(services: Services) {
  return cardAttachment("help", { commands: commandList, ...referrerContacts(services.config) });
}

async function help(services: Services, context: TurnContext, preface?: string): Promise<void> {
  if (preface) await context.sendActivity(preface);
  await context.sendActivity({ attachments: [helpCard(services)] });
}

/** "refer school", "refer school age", "refer early years", "refer ey" … */
export function kindIn(words: string): ReferralKind | undefined {
  if (/^(school|school[- ]age|sa)$/.test(words)) return "school-age";
  if (/^(early[- ]?years?|ey|nursery)$/.test(words)) return "early-years";
  return undefined;
}

async function refer(services: Services, context: TurnContext, rest: string): Promise<void> {
  if (context.activity.conversation.conversationType !== "personal") {
    await context.sendActivity(referInPersonalChat);
    return;
  }
  const kind = kindIn(rest);
  if (rest && !kind) {
    await context.sendActivity(
      "Say 'refer school' for a child of school age, or 'refer early years' for a younger child.",
    );
    return;
  }
  const reply = await startOrResumeReferral(services, context, kind);
  await context.sendActivity(
    typeof reply === "string"
      ? reply
      : { attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: reply }] },
  );
}

async function cancel(services: Services, context: TurnContext): Promise<void> {
  if (context.activity.conversation.conversationType !== "personal") {
    await context.sendActivity("Say 'cancel' in a personal chat with me: your referrals name children.");
    return;
  }
  const card = await confirmCancel(services, context);
  await context.sendActivity(
    card
      ? { attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: card }] }
      : "You have no referral in progress.",
  );
}

async function myReferrals(services: Services, context: TurnContext): Promise<void> {
  if (context.activity.conversation.conversationType !== "personal") {
    await context.sendActivity("Say 'my referrals' in a personal chat with me: the list names children.");
    return;
  }
  const referrals = await services.cases.referredBy(context.activity.from.id);
  await context.sendActivity({ attachments: [cardAttachment("referrals-mine", myReferralsView(referrals))] });
}

async function setup(services: Services, context: TurnContext): Promise<void> {
  const channelData = (context.activity.channelData ?? {}) as {
    team?: { id?: string };
    channel?: { id?: string; name?: string };
    tenant?: { id?: string };
  };
  const teamId = channelData.team?.id;
  const channelId = channelData.channel?.id;
  if (context.activity.conversation.conversationType !== "channel" || !teamId || !channelId) {
    await context.sendActivity(
      "Say '@CME Referrals setup' in the CME team's channel where new cases should be posted.",
    );
    return;
  }
  const actor = await resolveActor(services.rosters, context, teamId, services.config.managerIds);
  if (!actor.roles.has("manager")) {
    await context.sendActivity("Only a CME manager can choose the case channel.");
    return;
  }
  const tenantId = channelData.tenant?.id ?? context.activity.conversation.tenantId;
  await services.settings.setCaseChannel({
    teamId,
    channelId,
    serviceUrl: context.activity.serviceUrl,
    ...(tenantId ? { tenantId } : {}),
    setBy: referrerOf(context),
    setAt: services.now().toISOString(),
  });
  await context.sendActivity(
    `Done: new CME cases will be posted in this channel${channelData.channel?.name ? ` (${channelData.channel.name})` : ""}. Members of this team can work them as CME officers.`,
  );
}

/** `history CME-…` and `case CME-…`: the chronology, or the case card, for the CME team. */
async function caseCommand(
  services: Services,
  context: TurnContext,
  what: "history" | "case",
  rest: string,
): Promise<void> {
  if (what === "history" && context.activity.conversation.conversationType !== "personal") {
    await context.sendActivity(
      "Say 'history' in a personal chat with me (or press History on the case card): a case's history holds personal details.",
    );
    return;
  }
  const found = await caseForTeamCommand(
    services,
    context,
    rest,
    `Say '${what} CME-2026-00042' with the case's reference.`,
    "Cases are for the CME team. If you made a referral, say 'my referrals'.",
  );
  if (!found) return;
  const { actor, current } = found;
  await context.sendActivity({
    attachments: [
      what === "history"
        ? CardFactory.adaptiveCard(caseHistoryCard(current, 0))
        : CardFactory.adaptiveCard(await caseCardFor(services, context, actor, current)),
    ],
  });
}

/** Commands are a few words: a message longer than this is not one. */
const longestCommand = 500;

/** Routes a message to its command; anything else gets help. */
export async function handleCommand(services: Services, context: TurnContext): Promise<void> {
  const text = commandText(context);
  if (text.length > longestCommand) {
    return help(services, context, "That message is too long to be a command. Here is what I can do:");
  }
  const [word] = text.split(/\s+/);
  const rest = text.slice((word ?? "").length).trim();
  switch (word) {
    case "refer":
      return refer(services, context, rest);
    case "resume":
      return refer(services, context, "");
    case "cancel":
      return cancel(services, context);
    case "my":
      if (rest === "referrals") return myReferrals(services, context);
      return help(services, context, `Sorry, I don't know '${text.slice(0, 40)}'. Here is what I can do:`);
    case "status":
      return statusCommand(services, context);
    case "overdue":
    case "caseload":
    case "find":
      return listCommand(services, context, word, rest);
    case "history":
    case "case":
      return caseCommand(services, context, word, rest);
    case "show":
      return caseCommand(services, context, "case", rest);
    case "export":
      return offerSubjectAccessExport(services, context, rest);
    case "dfe":
      return dfeReturnCommand(services, context, rest);
    case "report":
      return reportCommand(services, context, rest);
    case "setup":
      return setup(services, context);
    case "help":
    case "":
    case undefined:
      return help(services, context);
    default:
      return help(services, context, `Sorry, I don't know '${text.slice(0, 40)}'. Here is what I can do:`);
  }
}
