/**
 * `npm run sweep -- [--as-of <ISO time>] [--dry-run]`: the escalation sweep once, against the
 * Cosmos DB the environment names (COSMOS_ENDPOINT and, locally, COSMOS_KEY; in Azure, the managed
 * identity). `--as-of` runs it as if at that time; `--dry-run` lists what would fire and changes
 * nothing. Without `--dry-run` it queues the escalations in the outbox; the bot's server sends them.
 */
import { parseArgs } from "node:util";
import { configFromEnvironment } from "../bot/environment.js";
import { sweepEscalations } from "../bot/escalations/sweep.js";
import { exitWith, withServices } from "./composed.js";

const { values } = parseArgs({ options: { "as-of": { type: "string" }, "dry-run": { type: "boolean" } } });
const asOf = values["as-of"] ? new Date(values["as-of"]) : new Date();
if (Number.isNaN(asOf.getTime())) {
  console.error(`--as-of ${values["as-of"]} is not a time: use ISO 8601, e.g. 2026-12-01T09:00:00Z`);
  process.exit(2);
}

if (asOf.getTime() > Date.now() + 60_000 && !values["dry-run"]) {
  console.error(
    "--as-of in the future is for --dry-run only: raising escalations before their time would send them now.",
  );
  process.exit(2);
}

try {
  const result = await withServices(configFromEnvironment(), (services) =>
    sweepEscalations(services, asOf, { dryRun: values["dry-run"] ?? false }),
  );
  if (result.kind === "busy") {
    console.log("Another sweep is running (it holds the lease): nothing done.");
  } else {
    const verb = values["dry-run"] ? "would fire" : "queued";
    console.log(
      `As of ${asOf.toISOString()}: ${result.checked} cases due a check; ${result.fired.length} escalations ${verb}.`,
    );
    for (const fired of result.fired) {
      console.log(
        `  ${fired.caseId}  ${fired.rule} level ${fired.level} → ${fired.notify}, due since ${fired.dueSince}`,
      );
    }
  }
} catch (error) {
  exitWith(error);
}
