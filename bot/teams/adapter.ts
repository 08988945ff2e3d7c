import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from "botbuilder";
import { validateAndFixActivity } from "botbuilder/lib/activityValidator.js";
import type { Config } from "../config.js";
import { clientCredentialTokens } from "../shared/client-credentials.js";

/** botbuilder's public-cloud values for what this bot does not use (the Emulator, skills' caller id). */
const emulatorOpenIdMetadataUrl =
  "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration";
const publicCloudCallerId = "urn:botframework:azure";

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
      // Only a token refused is the caller's fault: botbuilder's AuthenticationError (it carries
      // 401), or jsonwebtoken's own (unsigned, bad signature, not yet valid), which botbuilder lets
      // through. Any other failure, a 4xx from Teams to one of our sends too, is ours and is logged.
      if (isTokenRefused(error)) {
        return { status: 401, body: { error: "not authenticated: a valid Bot Framework token is required" } };
      }
      throw error;
    }
  }
}

/** jsonwebtoken's errors, and botframework-connector's AuthenticationError with 401, known by name (their packages are botbuilder's). */
const tokenErrors = new Set(["JsonWebTokenError", "TokenExpiredError", "NotBeforeError"]);

function isTokenRefused(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (tokenErrors.has(error.name)) return true;
  return (
    error.constructor.name === "AuthenticationError" && (error as { statusCode?: unknown }).statusCode === 401
  );
}

type CredentialsFactory = NonNullable<
  ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]
>;

/**
 * A SingleTenant bot's credentials to Teams: client-credentials tokens with its secret, asked of
 * the bot's own tenant whichever tenant the conversation is in (a school's too). botbuilder's
 * own (MSAL) can only be pointed at Microsoft's hosts, so which tenant it asks could not be
 * checked here; this is the same request.
 */
export function secretCredentials(
  bot: Config["bot"],
  appId: string,
  secret: string,
  tenantId: string,
): CredentialsFactory {
  const tokens = clientCredentialTokens({
    authorityHost: bot.loginHost,
    clientId: appId,
    clientSecret: secret,
  });
  return {
    isValidAppId: (id) => Promise.resolve(id === appId),
    isAuthenticationDisabled: () => Promise.resolve(false),
    createCredentials: (id, audience) => {
      if (id !== appId) return Promise.reject(new Error("the credentials asked for are another app's"));
      const scope = `${audience ?? bot.connectorScope}/.default`;
      return Promise.resolve({
        async signRequest(request) {
          request.headers.set("authorization", `Bearer ${await tokens(tenantId, scope)}`);
          return request;
        },
      });
    },
  };
}

export function createAdapter(config: Config): TeamsAdapter {
  const { bot } = config;
  if (!bot.appId) return new TeamsAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const tenantId = bot.appTenantId ?? "";
  // Every address given (botbuilder then takes none of its own): Microsoft's public cloud unless set.
  const options: Partial<ConfigurationBotFrameworkAuthenticationOptions> = {
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword ?? "",
    MicrosoftAppTenantId: tenantId,
    MicrosoftAppType: bot.appType,
    ToBotFromChannelOpenIdMetadataUrl: bot.openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: bot.tokenIssuer,
    ToChannelFromBotOAuthScope: bot.connectorScope,
    ToChannelFromBotLoginUrl: `${bot.loginHost}/${tenantId}`,
    ToBotFromEmulatorOpenIdMetadataUrl: emulatorOpenIdMetadataUrl,
    OAuthUrl: bot.connectorScope,
    CallerId: publicCloudCallerId,
    ValidateAuthority: true,
  };
  const credentials =
    bot.appType === "SingleTenant" && bot.appPassword
      ? secretCredentials(bot, bot.appId, bot.appPassword, tenantId)
      : undefined;
  return new TeamsAdapter(new ConfigurationBotFrameworkAuthentication(options, credentials));
}
