import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type FileConsentCardResponse,
  type TeamsChannelAccount,
  type TeamInfo,
  type TurnContext,
} from "botbuilder";
import type { Services } from "../services.js";
import { RoleLookupError } from "./actor.js";
import { tenantOf } from "./tenant.js";
import { handleCaseAction } from "./case-actions.js";
import { handleCommand, helpCard } from "./commands.js";
import { messageResponse, storeUnavailableNotice } from "./invoke-responses.js";
import { StoreUnavailableError } from "../store/deadline.js";
import { handleReferralAction } from "./referral-actions.js";
import { uploadSubjectAccessExport } from "./subject-access.js";

import type { Log } from "../log.js";

/** What a person sees in the chat when something on our side failed: what happened to their work and what to do. */
export function failureMessage(error: unknown): string {
  if (error instanceof StoreUnavailableError) {
    return "I couldn't do that just now: the case store is not answering. Nothing you saved before is lost: please try again in a minute.";
  }
  if (error instanceof RoleLookupError) {
    return "I couldn't check your role with Teams just now, so I haven't done that. Please try again in a minute.";
  }
  return "Something went wrong on our side (the case store may be unavailable), so that was not saved. Anything you saved before is kept: please try again in a minute, and tell the CME team if it keeps happening.";
}

export class CmeBot extends TeamsActivityHandler {
  constructor(
    private readonly services: Services,
    private readonly log: Log,
  ) {
    super();
    this.onMessage(async (context, next) => {
      await handleCommand(this.services, context);
      await next();
    });
    this.onTeamsMembersAddedEvent(async (membersAdded, teamInfo, context, next) => {
      await this.welcome(membersAdded, teamInfo, context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    const allowed = this.services.config.allowedTenantIds;
    const tenant = tenantOf(context);
    const { type, name, conversation } = context.activity;
    const verb = (context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
    // What kind of turn, never what was said: message text and card inputs hold personal data.
    this.log("turn", {
      activityType: type,
      ...(name ? { invoke: name } : {}),
      ...(typeof verb === "string" ? { verb } : {}),
      conversationType: conversation.conversationType,
      ...(tenant ? { tenant } : {}),
    });
    if (allowed.length > 0 && (!tenant || !allowed.includes(tenant))) {
      this.log("turn.refused.tenant", { activityType: context.activity.type });
      if (context.activity.type === "invoke") {
        await context.sendActivity({
          type: "invokeResponse",
          value: {
            status: 403,
            body: {
              statusCode: 403,
              type: "application/vnd.microsoft.error",
              value: { code: "Forbidden", message: "This organisation is not allowed to use CME Referrals." },
            },
          },
        });
      } else if (context.activity.type === "message") {
        await context.sendActivity(
          "Your organisation is not set up to use CME Referrals. Contact Leicestershire County Council's CME team.",
        );
      }
      return;
    }
    await super.run(context);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const { verb, data } = invokeValue.action;
    try {
      if (verb.startsWith("referral.")) return await handleReferralAction(this.services, context, verb, data);
      if (verb.startsWith("case."))
        return await handleCaseAction(this.services, context, verb, data, this.log);
      return messageResponse("I don't know that button.");
    } catch (error) {
      this.log("invoke.failed", { verb, error: error instanceof Error ? error.message : String(error) });
      // The card stays as it is, with what the person typed in it.
      return messageResponse(
        error instanceof StoreUnavailableError ? storeUnavailableNotice : failureMessage(error),
      );
    }
  }

  protected override async handleTeamsFileConsentAccept(
    context: TurnContext,
    response: FileConsentCardResponse,
  ): Promise<void> {
    await uploadSubjectAccessExport(this.services, context, response);
  }

  protected override async handleTeamsFileConsentDecline(context: TurnContext): Promise<void> {
    await context.sendActivity("Not exported: nothing was shared.");
  }

  private async welcome(
    membersAdded: TeamsChannelAccount[],
    teamInfo: TeamInfo,
    context: TurnContext,
  ): Promise<void> {
    const botAdded = membersAdded.some((member) => member.id === context.activity.recipient.id);
    if (!botAdded) return;
    if (teamInfo?.id) {
      const tenantId = tenantOf(context);
      await this.services.settings.recordTeam({
        teamId: teamInfo.id,
        ...(teamInfo.name ? { name: teamInfo.name } : {}),
        serviceUrl: context.activity.serviceUrl,
        ...(tenantId ? { tenantId } : {}),
        installedAt: this.services.now().toISOString(),
      });
      await context.sendActivity(
        "Hello. I post new CME referrals here for the CME team to work. A CME manager can say '@CME Referrals setup' in the channel where cases should go.",
      );
      return;
    }
    await context.sendActivity({ attachments: [helpCard(this.services)] });
  }
}
