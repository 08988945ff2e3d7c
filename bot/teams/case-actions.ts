import type { AdaptiveCardInvokeResponse, TurnContext } from "botbuilder";
import { z } from "zod";
import { assignToMe } from "../cases/case-service.js";
import { caseChannelView } from "../cases/views.js";
import { ukDate } from "../referrals/school-age.js";
import { caseChannel, type Services } from "../services.js";
import { resolveActor } from "./actor.js";
import { cardResponse, messageResponse } from "./invoke-responses.js";

const caseCardData = z.object({ caseId: z.string().regex(/^CME-\d{4}-\d{5}$/) });

/** Handles the buttons on case and escalation cards. Every one re-reads the case and re-checks the actor's role. */
export async function handleCaseAction(
  services: Services,
  context: TurnContext,
  verb: string,
  data: unknown,
): Promise<AdaptiveCardInvokeResponse> {
  const parsed = caseCardData.safeParse(data);
  if (!parsed.success) return messageResponse("That card does not say which case it is about.");
  const channel = await caseChannel(services);
  const actor = await resolveActor(context, channel?.teamId, services.config.managerIds);
  if (verb !== "case.assignToMe") return messageResponse("I don't know that button.");
  const outcome = await assignToMe(services, parsed.data.caseId, actor, services.now());
  const today = ukDate(services.now());
  switch (outcome.kind) {
    case "not-found":
      return messageResponse(`I can't find ${parsed.data.caseId}.`);
    case "refused":
      return messageResponse(outcome.reason);
    case "done":
      return cardResponse("case-channel", caseChannelView(outcome.case, today));
  }
}
