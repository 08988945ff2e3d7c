import { TeamsInfo, type TurnContext } from "botbuilder";
import type { Person } from "../shared/person.js";
import type { ReferralKind } from "../referrals/draft.js";
import { startOrResume, type ReferrerDetails } from "../referrals/start.js";
import type { Services } from "../services.js";
import { referrerOf } from "./actor.js";
import { referralPorts, replyFor } from "./referral-replies.js";
import type { Reply, Turn } from "./route.js";
import { tenantOf } from "./tenant.js";

/** `refer`, `resume` and the Start buttons: carries on with an open referral, or starts one of the kind asked for. */
export async function startReferral(turn: Turn, kind?: ReferralKind): Promise<Reply> {
  const { context, services } = turn;
  const referrer = referrerOf(context);
  const { conversation, serviceUrl } = context.activity;
  const chat = {
    id: conversation.id,
    serviceUrl,
    userId: referrer.id,
    ...(referrer.tenantId ? { tenantId: referrer.tenantId } : {}),
  };
  const outcome = await startOrResume(referralPorts(turn), {
    referrer,
    kind,
    chat,
    referrerDetails: () => referrerDetails(services, context, referrer),
  });
  return replyFor(turn, outcome);
}

/** What Microsoft Graph (when configured and answering) or else Teams says of the referrer. */
async function referrerDetails(
  services: Services,
  context: TurnContext,
  referrer: Person,
): Promise<ReferrerDetails> {
  const tenantId = referrer.tenantId ?? tenantOf(context);
  const profile =
    referrer.aadObjectId && tenantId
      ? await services.profiles.profile(tenantId, referrer.aadObjectId)
      : undefined;
  if (profile) return { from: "graph", profile };
  try {
    const member = await TeamsInfo.getMember(context, referrer.id);
    return { from: "teams", name: member.name, email: member.email ?? member.userPrincipalName };
  } catch {
    // Teams did not say: the person types it.
    return { from: "nowhere" };
  }
}
