import { caseRoutes } from "./case-routes.js";
import { extractCaseRoutes } from "./extract-cases.js";
import { extractRoutes } from "./extract-import.js";
import { helpReply } from "./commands.js";
import { referralRoutes } from "./referral-routes.js";
import { command, type CommandRoute, type Route } from "./route.js";
import { teamRoutes } from "./team-routes.js";
import { z } from "zod";
import type { Services } from "../services.js";

const help = command({
  name: "help",
  description: "What I do and what you can say",
  scopes: ["personal", "team"],
  who: "anyone",
  input: z.string(),
  handle: ({ services }) => Promise.resolve(helpFor(services)),
});

/**
 * Every typed command, every card button and the file people send, each once: where it may be used, by whom, what it
 * takes and what it calls. The dispatch, the help card and the manifest's command lists are all
 * made from it. Commands are in the order help lists them (Teams' manifest shows the first ten
 * of a scope, so the ones most people use come first).
 */
export const routes: readonly Route[] = [
  help,
  ...referralRoutes,
  ...teamRoutes,
  ...caseRoutes,
  ...extractRoutes,
  ...extractCaseRoutes,
];

/** The order help and the manifest list the commands in: the ones most people use first. */
const listedOrder = [
  "help",
  "refer",
  "resume",
  "my referrals",
  "status",
  "overdue",
  "find",
  "case",
  "report",
  "dfe return",
  "caseload",
  "history",
  "export",
  "cancel",
  "setup",
];

/** The commands, in the order people see them (every command is listed exactly once: checked here). */
export const commandRoutes: readonly CommandRoute[] = listedOrder.map((name) => {
  const route = routes.find((each): each is CommandRoute => each.kind === "command" && each.name === name);
  if (!route) throw new Error(`the help lists '${name}', which is not a command`);
  return route;
});
const unlisted = routes.filter((route) => route.kind === "command" && !listedOrder.includes(route.name));
if (unlisted.length > 0) throw new Error(`commands missing from the help's order: ${unlisted.length}`);

export function helpFor(services: Services, preface?: string) {
  return helpReply(
    services,
    commandRoutes.map(({ name, description, scopes }) => ({ name, description, scopes })),
    preface,
  );
}
