import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type InvokeResponse,
  type TeamsChannelAccount,
  type TeamInfo,
  type TurnContext,
} from "botbuilder";
import type { Services } from "../services.js";
import { actorOfTurn } from "./actor.js";
import { tenantOf } from "./tenant.js";
import { dfeReturnFile } from "./dfe-return-command.js";
import { dispatchCommand, dispatchVerb, send, turnOf } from "./dispatch.js";
import { cardActionValue, fileConsentValue, problemsWith } from "./inbound.js";
import { messageResponse } from "./invoke-responses.js";
import { subjectAccessFile } from "./subject-access.js";
import { answerFileConsent, type FileMakers } from "./file-offers.js";
import { reportFile } from "./report-commands.js";
import { helpFor, routes } from "./routes.js";
import type { Log } from "../log.js";

/** What each kind of file consent card offers is made by (the card's acceptContext says which). */
const fileMakers: FileMakers = { export: subjectAccessFile, report: reportFile, "dfe-return": dfeReturnFile };

export class CmeBot extends TeamsActivityHandler {
  constructor(
    private readonly services: Services,
    private readonly log: Log,
  ) {
    super();
    this.onMessage(async (context, next) => {
      await dispatchCommand(routes, turnOf(this.services, context, this.log), (preface) =>
        helpFor(this.services, preface),
      );
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
    const cardAction =
      name === "adaptiveCard/action" ? cardActionValue.safeParse(context.activity.value) : undefined;
    // What kind of turn, never what was said: message text and card inputs hold personal data.
    this.log("turn", {
      activityType: type,
      ...(name ? { invoke: name } : {}),
      ...(cardAction?.success ? { verb: cardAction.data.action.verb } : {}),
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
    if (type === "conversationUpdate" || type === "installationUpdate") this.forgetTeam(context);
    await super.run(context);
  }

  /**
   * Teams tells of members added or removed (and of the bot installed or removed) in a team: its
   * kept member list goes at once, so a removed officer loses the CME team's work on their next turn.
   */
  private forgetTeam(context: TurnContext): void {
    const teamId = (context.activity.channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
    if (typeof teamId === "string") this.services.rosters.forget(teamId);
  }

  /**
   * Every invoke's value is checked before anything reads it: a malformed one gets a clear
   * message and a warning line, never "something went wrong". Others go to botbuilder's routing.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const { name } = context.activity;
    const value: unknown = context.activity.value;
    if (name === "adaptiveCard/action") {
      const parsed = cardActionValue.safeParse(value);
      if (!parsed.success) {
        this.log("invoke.refused.malformed", { invoke: name, problems: problemsWith(parsed.error) });
        return invokeResponse(
          messageResponse(
            "I couldn't read that button press (the card may be damaged). Nothing was changed.",
          ),
        );
      }
      return invokeResponse(
        await dispatchVerb(routes, turnOf(this.services, context, this.log), parsed.data.action),
      );
    }
    if (name === "fileConsent/invoke") {
      const parsed = fileConsentValue.safeParse(value);
      if (!parsed.success) {
        this.log("invoke.refused.malformed", { invoke: name, problems: problemsWith(parsed.error) });
        await context.sendActivity("I couldn't read your answer about the file, so nothing was shared.");
      } else {
        const actor = () => actorOfTurn(this.services, context);
        await answerFileConsent(this.services, context, parsed.data, actor, fileMakers);
      }
      return { status: 200 };
    }
    const answered = await super.onInvokeActivity(context);
    // Teams' other invokes (message extensions, task modules …) are not offered by this app: a bad request, not our fault.
    if (answered.status !== 501) return answered;
    this.log("invoke.refused.unknown", {});
    return { status: 400, body: { error: "CME Referrals does not take that kind of request." } };
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
    await send(context, helpFor(this.services));
  }
}

function invokeResponse(response: AdaptiveCardInvokeResponse): InvokeResponse {
  return { status: response.statusCode, body: response };
}
