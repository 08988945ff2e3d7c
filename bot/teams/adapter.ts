import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from "botbuilder";
import type { Config } from "../config.js";

/**
 * The Bot Framework adapter. With an app id it checks every incoming token and signs every
 * outgoing call; without one (local mode, loopback only) it does neither.
 */
export function createAdapter(config: Config): CloudAdapter {
  const options: Partial<ConfigurationBotFrameworkAuthenticationOptions> = config.bot.appId
    ? {
        MicrosoftAppId: config.bot.appId,
        MicrosoftAppPassword: config.bot.appPassword ?? "",
        MicrosoftAppTenantId: config.bot.appTenantId ?? "",
        MicrosoftAppType: config.bot.appType,
      }
    : {};
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(options));
}
