import { CardFactory, TurnContext, type AdaptiveCardInvokeResponse } from "botbuilder";
import { canWorkCases } from "../people/roles.js";
import type { Log } from "../log.js";
import type { Actor } from "../shared/person.js";
import type { Services } from "../services.js";
import { StoreUnavailableError } from "../store/deadline.js";
import { actorOfTurn } from "./actor.js";
import { failureMessage } from "./failure-message.js";
import { problemsWith, type CardAction } from "./inbound.js";
import { messageResponse, storeUnavailableNotice } from "./invoke-responses.js";
import type { CommandRoute, FileRoute, Reply, Route, Scope, Turn, VerbRoute, Who } from "./route.js";

/** Commands are a few words: a message longer than this is not one. */
const longestCommand = 500;

export function turnOf(services: Services, context: TurnContext, log: Log): Turn {
  return {
    services,
    context,
    log,
    scope: context.activity.conversation.conversationType === "personal" ? "personal" : "team",
    actor: () => actorOfTurn(services, context),
  };
}

/** The command in a message: mentions of the bot removed, trimmed, lower case. */
export function commandText(context: TurnContext): string {
  const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? "";
  // Words however spaced (two spaces, a non-breaking space, a new line) are the same command.
  return text
    .replace(/<at>[^<]*<\/at>/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/** The command whose name (or alias) the text starts with, the longest such, and the words after it. */
export function commandIn(
  routes: readonly Route[],
  text: string,
): { route: CommandRoute; rest: string } | undefined {
  let found: { route: CommandRoute; rest: string; length: number } | undefined;
  for (const route of routes) {
    if (route.kind !== "command") continue;
    for (const name of [route.name, ...(route.aliases ?? [])]) {
      const matches = text === name || text.startsWith(`${name} `);
      if (matches && (!found || name.length > found.length))
        found = { route, rest: text.slice(name.length).trim(), length: name.length };
    }
  }
  return found && { route: found.route, rest: found.rest };
}

const mayUse: Record<Who, (actor: Actor) => boolean> = {
  anyone: () => true,
  "cme-team": canWorkCases,
  manager: (actor) => actor.roles.has("manager"),
};

const scopeNames: Record<Scope, string> = {
  personal: "in a personal chat with me",
  team: "in the CME team's channel",
};

/**
 * The route's rules, in order (where, what was sent, who), then its handler: the reply, or what
 * the person is told instead. `unreadable` is told when the input does not parse and the route
 * says nothing of its own.
 */
async function ruled(turn: Turn, route: Route, raw: unknown, unreadable: string): Promise<Reply> {
  if (!route.scopes.includes(turn.scope)) {
    return {
      text: route.elsewhere ?? `Say that ${route.scopes.map((scope) => scopeNames[scope]).join(" or ")}.`,
    };
  }
  const parsed = route.run(turn, raw);
  if (!parsed.ok) {
    if (route.kind === "verb")
      turn.log("invoke.refused.malformed", { verb: route.verb, problems: problemsWith(parsed.problems) });
    return { text: route.malformed ?? unreadable };
  }
  if (route.who !== "anyone" && !mayUse[route.who](await turn.actor())) {
    return { text: route.notAllowed ?? "That is for the CME team." };
  }
  return parsed.handle();
}

/** Teams' attachment for a file a person sent the bot in personal chat (its download address and type). */
export const fileDownloadInfo = "application/vnd.microsoft.teams.file.download.info";

/**
 * A message: the command it names, run by its route; a file it carries, with no command, goes to
 * the file route (a command typed beside a file is still that command). Each part of the reply is
 * sent in turn.
 */
export async function dispatchCommand(
  routes: readonly Route[],
  turn: Turn,
  help: (preface?: string) => Reply,
): Promise<void> {
  const text = commandText(turn.context);
  const found = text.length > longestCommand ? undefined : commandIn(routes, text);
  const file = turn.context.activity.attachments?.find((each) => each.contentType === fileDownloadInfo);
  const fileRoute = routes.find((each): each is FileRoute => each.kind === "file");
  if (file && fileRoute && !found) {
    await send(
      turn.context,
      await ruled(turn, fileRoute, file, "I couldn't read that file's details from Teams: send it again."),
    );
    return;
  }
  const reply = found
    ? await ruled(turn, found.route, found.rest, "I couldn't read that.")
    : text.length > longestCommand
      ? help("That message is too long to be a command. Here is what I can do:")
      : help(text ? `Sorry, I don't know '${text.slice(0, 40)}'. Here is what I can do:` : undefined);
  await send(turn.context, reply);
}

export async function send(context: TurnContext, { text, card, attachments = [] }: Reply): Promise<void> {
  if (text) await context.sendActivity(text);
  if (card) await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
  for (const attachment of attachments) await context.sendActivity({ attachments: [attachment] });
}

/** A card's button: the verb's route, its reply put on the card (or shown beside it). */
export async function dispatchVerb(
  routes: readonly Route[],
  turn: Turn,
  { verb, data }: CardAction,
): Promise<AdaptiveCardInvokeResponse> {
  const route = routes.find((each): each is VerbRoute => each.kind === "verb" && each.verb === verb);
  if (!route) return messageResponse("I don't know that button.");
  try {
    const reply = await ruled(
      turn,
      route,
      data,
      "I couldn't read that button (the card may be damaged). Nothing was changed.",
    );
    if (reply.card)
      return { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: reply.card };
    return messageResponse(reply.text ?? "Done.");
  } catch (error) {
    turn.log("invoke.failed", { verb, error: error instanceof Error ? error.message : String(error) });
    // The card stays as it is, with what the person typed in it.
    return messageResponse(
      error instanceof StoreUnavailableError ? storeUnavailableNotice : failureMessage(error),
    );
  }
}
