import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { loadConfig, type Config } from "./config.js";

/** The Agents Playground's team, channel and manager, for the server in local mode. */
export const localEnvFile = fileURLToPath(new URL("../local.env", import.meta.url));

/**
 * The one reader of process.env (a test holds every other file to that): a copy of it, with
 * `local.env`'s presets beneath it when asked for (a variable already set wins) and only in
 * local mode (no MICROSOFT_APP_ID).
 */
export function environment({ localPresets = false } = {}): Record<string, string | undefined> {
  const presets =
    localPresets && !process.env.MICROSOFT_APP_ID && existsSync(localEnvFile)
      ? parseEnv(readFileSync(localEnvFile, "utf8"))
      : {};
  return { ...presets, ...process.env };
}

/** The bot's configuration from the environment; throws ConfigError naming every bad variable. */
export function configFromEnvironment(options: { localPresets?: boolean } = {}): Config {
  return loadConfig(environment(options));
}
