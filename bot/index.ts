import { existsSync } from "node:fs";
import { ConfigError, type Config } from "./config.js";
import { configFromEnvironment, localEnvFile } from "./environment.js";
import { jsonLog } from "./log.js";

function readConfig(): Config {
  try {
    // Local mode only: presets for the Agents Playground's team (a variable already set wins).
    return configFromEnvironment({ localPresets: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`CME Referrals did not start.\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
if (config.appInsightsConnectionString) {
  // OpenTelemetry to Application Insights: requests, dependencies (Cosmos, Teams) and logs.
  const { useAzureMonitor } = await import("@azure/monitor-opentelemetry");
  useAzureMonitor({ azureMonitorExporterOptions: { connectionString: config.appInsightsConnectionString } });
}
// Loaded after telemetry starts, so that its instrumentation sees the HTTP server and the SDKs.
const { startApp } = await import("./app.js");
const app = await startApp(config, { log: jsonLog() });

const lines = [
  ...(config.localMode && existsSync(localEnvFile)
    ? ["Local mode: loaded the Agents Playground presets from local.env."]
    : []),
  `CME Referrals is listening on ${app.url}/api/messages (health: ${app.url}/healthz)`,
  config.localMode
    ? "Local mode: no MICROSOFT_APP_ID, so authentication is off and the bot listens on loopback only."
    : "Authentication is on.",
  app.embeddedCosmos
    ? `Cosmos DB is embedded in this process at ${app.cosmosEndpoint}: data is IN MEMORY and is lost when the bot stops. Set COSMOS_ENDPOINT and COSMOS_KEY to keep it.`
    : `Cosmos DB: ${app.cosmosEndpoint}, database '${config.cosmos.database}'.`,
];
if (config.localMode) {
  lines.push(
    "Try it in the Microsoft 365 Agents Playground: in another terminal run `npm run playground`, then open http://localhost:56150",
  );
}
console.log(lines.join("\n"));

const stop = (signal: string) => {
  console.log(`${signal}: finishing in-flight work and stopping.`);
  void app.close().then(() => process.exit(0));
};
process.once("SIGINT", () => stop("SIGINT"));
process.once("SIGTERM", () => stop("SIGTERM"));
