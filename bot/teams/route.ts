import type { Attachment, TurnContext } from "botbuilder";
import type { z } from "zod";
import type { Log } from "../log.js";
import type { Actor } from "../shared/person.js";
import type { Services } from "../services.js";
import type { CardJson } from "./render-card.js";

/** Where in Teams a route may be used: a personal chat with the bot, or a team's channel (Teams' scopes). */
export type Scope = "personal" | "team";

/**
 * Who may use a route, checked on the server before its handler runs, whatever the card says. The
 * domain checks the finer rules (a case's referrer, its owner, a manager's sign-off) itself.
 */
export type Who = "anyone" | "cme-team" | "manager";

/**
 * What a route answers. In chat each part is a message of its own, in this order; on a card
 * action the card replaces the one pressed, or else the words are shown and the card stays.
 */
export interface Reply {
  readonly text?: string;
  readonly card?: CardJson;
  /** Further attachments, in chat only (a file consent card). */
  readonly attachments?: readonly Attachment[];
}

/** The turn as a handler sees it. */
export interface Turn {
  readonly services: Services;
  readonly context: TurnContext;
  readonly log: Log;
  readonly scope: Scope;
  /** Who is acting and their roles, asked of Teams at most once a turn. */
  actor(): Promise<Actor>;
}

interface RouteRules<Input> {
  readonly scopes: readonly Scope[];
  readonly who: Who;
  /** What the command's words after its name, or the button's data, must be; parsed before the handler runs. */
  readonly input: z.ZodType<Input>;
  /** Told to someone using it in a scope it is not for. */
  readonly elsewhere?: string;
  /** Told to someone whose role does not allow it. */
  readonly notAllowed?: string;
  /** Told when the words or the data do not parse (a command's usage; a damaged card). */
  readonly malformed?: string;
  readonly handle: (turn: Turn, input: Input) => Promise<Reply>;
}

export interface CommandSpec<Input> extends RouteRules<Input> {
  /** The words that start it, lower case (`my referrals`). */
  readonly name: string;
  /** Other words people say for it (`show` for `case`); not listed in help. */
  readonly aliases?: readonly string[];
  /** For the help card and the manifest's command lists (at most 128 characters). */
  readonly description: string;
}

export interface VerbSpec<Input> extends RouteRules<Input> {
  /** The `verb` of the cards' Action.Execute. */
  readonly verb: string;
}

/** A file someone sends (Teams' file attachment in personal chat): one route takes every such message. */
export interface FileSpec<Input> extends RouteRules<Input> {
  /** What the file is, for logs (`pupil extract`). */
  readonly file: string;
}

/** A route with its input's type erased: the table holds routes of many inputs, each parses its own. */
export type Route =
  | (Omit<CommandSpec<unknown>, "input" | "handle"> & { readonly kind: "command"; run: Runner })
  | (Omit<VerbSpec<unknown>, "input" | "handle"> & { readonly kind: "verb"; run: Runner })
  | (Omit<FileSpec<unknown>, "input" | "handle"> & { readonly kind: "file"; run: Runner });

/** The input parsed, and the handler ready to run on it (once the person's role is checked), or what was wrong. */
type Runner = (turn: Turn, raw: unknown) => Parsed;
type Parsed = { ok: true; handle: () => Promise<Reply> } | { ok: false; problems: z.ZodError };

function runner<Input>({ input, handle }: RouteRules<Input>): Runner {
  return (turn, raw) => {
    const parsed = input.safeParse(raw);
    return parsed.success
      ? { ok: true, handle: () => handle(turn, parsed.data) }
      : { ok: false, problems: parsed.error };
  };
}

/** A typed command: its name, where and by whom it is used, its words' schema and its handler. */
export function command<Input>(spec: CommandSpec<Input>): Route {
  const { name, aliases, description, scopes, who, elsewhere, notAllowed, malformed } = spec;
  return {
    kind: "command",
    name,
    description,
    scopes,
    who,
    run: runner(spec),
    ...(aliases ? { aliases } : {}),
    ...messages(elsewhere, notAllowed, malformed),
  };
}

/** A card button's verb: where and by whom it is pressed, its data's schema and its handler. */
export function verb<Input>(spec: VerbSpec<Input>): Route {
  const { scopes, who, elsewhere, notAllowed, malformed } = spec;
  return {
    kind: "verb",
    verb: spec.verb,
    scopes,
    who,
    run: runner(spec),
    ...messages(elsewhere, notAllowed, malformed),
  };
}

/** A file sent in a message: where and by whom, the attachment's schema and its handler. */
export function fileRoute<Input>(spec: FileSpec<Input>): Route {
  const { file, scopes, who, elsewhere, notAllowed, malformed } = spec;
  return {
    kind: "file",
    file,
    scopes,
    who,
    run: runner(spec),
    ...messages(elsewhere, notAllowed, malformed),
  };
}

function messages(elsewhere?: string, notAllowed?: string, malformed?: string) {
  return {
    ...(elsewhere ? { elsewhere } : {}),
    ...(notAllowed ? { notAllowed } : {}),
    ...(malformed ? { malformed } : {}),
  };
}

export type CommandRoute = Extract<Route, { kind: "command" }>;
export type VerbRoute = Extract<Route, { kind: "verb" }>;
export type FileRoute = Extract<Route, { kind: "file" }>;

/** A card, or words. */
export function replyOf(answer: CardJson | string): Reply {
  return typeof answer === "string" ? { text: answer } : { card: answer };
}
