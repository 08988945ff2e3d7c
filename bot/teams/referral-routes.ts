import { z } from "zod";
import {
  confirmCancel,
  handleReferralAction,
  referInPersonalChat,
  startOrResumeReferral,
} from "./referral-actions.js";
import { kindIn } from "./commands.js";
import { replyOfInvoke } from "./invoke-responses.js";
import { command, replyOf, verb, type Route } from "./route.js";

const cardData = z.record(z.string(), z.unknown());

const wizardVerbs = [
  "referral.start",
  "referral.keep",
  "referral.next",
  "referral.back",
  "referral.save",
  "referral.addRow",
  "referral.removeRow",
  "referral.edit",
  "referral.submit",
  "referral.cancel",
] as const;

/** Making a referral: the commands that start, resume and cancel one, and the wizard's buttons. */
export const referralRoutes: readonly Route[] = [
  command({
    name: "refer",
    description:
      "Refer a child missing education (in a personal chat with me); your answers are saved as you go",
    scopes: ["personal"],
    who: "anyone",
    elsewhere: referInPersonalChat,
    input: z.string(),
    handle: async ({ services, context }, rest) => {
      const kind = kindIn(rest);
      if (rest && !kind)
        return {
          text: "Say 'refer school' for a child of school age, or 'refer early years' for a younger child.",
        };
      return replyOf(await startOrResumeReferral(services, context, kind));
    },
  }),
  command({
    name: "resume",
    description: "Carry on with a referral you started",
    scopes: ["personal"],
    who: "anyone",
    elsewhere: referInPersonalChat,
    input: z.string(),
    handle: async ({ services, context }) => replyOf(await startOrResumeReferral(services, context)),
  }),
  command({
    name: "cancel",
    description: "Discard a referral you started (I ask first)",
    scopes: ["personal"],
    who: "anyone",
    elsewhere: "Say 'cancel' in a personal chat with me: your referrals name children.",
    input: z.string(),
    handle: async ({ services, context }) =>
      replyOf((await confirmCancel(services, context)) ?? "You have no referral in progress."),
  }),
  ...wizardVerbs.map((name) =>
    verb({
      verb: name,
      scopes: ["personal"],
      who: "anyone",
      elsewhere: referInPersonalChat,
      input: cardData,
      handle: async ({ services, context, log }, data) =>
        replyOfInvoke(await handleReferralAction(services, context, name, data, log)),
    }),
  ),
];
