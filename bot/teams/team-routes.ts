import { z } from "zod";
import { dfeReturnRoutes } from "./dfe-return-command.js";
import { listRoutes } from "./manager-commands.js";
import { reportRoutes } from "./report-commands.js";
import { myReferrals, setup, setupInChannel } from "./commands.js";
import { command, type Route } from "./route.js";

/** The CME team's picture of its work (status, lists, reports, the DfE return), a referrer's own list, and setup. */
export const teamRoutes: readonly Route[] = [
  command({
    name: "my referrals",
    description: "The children you referred and what is happening with each",
    scopes: ["personal"],
    who: "anyone",
    elsewhere: "Say 'my referrals' in a personal chat with me: the list names children.",
    input: z.string(),
    handle: myReferrals,
  }),
  ...listRoutes,
  ...reportRoutes,
  ...dfeReturnRoutes,
  command({
    name: "setup",
    description: "CME managers, in the CME team's channel: make it the channel where new cases are posted",
    scopes: ["team"],
    who: "manager",
    elsewhere: setupInChannel,
    notAllowed: "Only a CME manager can choose the case channel.",
    input: z.string(),
    handle: setup,
  }),
];
