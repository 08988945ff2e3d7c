import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from "botbuilder";
import { validateAndFixActivity } from "botbuilder/lib/activityValidator.js";
import type { Config } from "../config.js";

/** How the server answers Bot Service for one activity. */
export interface TurnAnswer {
  readonly status: number;
  readonly body?: unknown;
}

/**
 * The Bot Framework adapter. With an app id it checks every incoming token and signs every
 * outgoing call; without one (local mode, loopback only) it does neither.
 *
 * `answer` takes the activity the server has already read and checked, and returns the answer
 * instead of writing it: CloudAdapter's own `process` prints every failure (an unauthenticated
 * request too) with its stack to the console.
 */
export class TeamsAdapter extends CloudAdapter {
  async answer(
    authorization: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<TurnAnswer> {
    try {
      const response = await this.processActivity(authorization, validateAndFixActivity(activity), logic);
      return { status: response?.status ?? 200, body: response?.body };
    } catch (error) {
      // Only botbuilder's AuthenticationError (it carries 401) is the caller's fault; any other
      // failure, a 4xx from Teams to one of our sends too, is ours and is logged by the server.
      const status = (error as { statusCode?: unknown }).statusCode;
      if (isAuthenticationError(error) && typeof status === "number") {
        return { status, body: { error: "not authenticated: a valid Bot Framework token is required" } };
      }
      throw error;
    }
  }
}

/** botframework-connector's AuthenticationError, known by name (that package is botbuilder's, not ours). */
function isAuthenticationError(error: unknown): boolean {
  return error instanceof Error && error.constructor.name === "AuthenticationError";
}

export function createAdapter(config: Config): TeamsAdapter {
  const options: Partial<ConfigurationBotFrameworkAuthenticationOptions> = config.bot.appId
    ? {
        MicrosoftAppId: config.bot.appId,
        MicrosoftAppPassword: config.bot.appPassword ?? "",
        MicrosoftAppTenantId: config.bot.appTenantId ?? "",
        MicrosoftAppType: config.bot.appType,
      }
    : {};
  return new TeamsAdapter(new ConfigurationBotFrameworkAuthentication(options));
}
