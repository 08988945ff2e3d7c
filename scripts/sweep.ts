/**
 * `npm run sweep -- [--as-of <ISO time>] [--dry-run]`: the escalation sweep once, against the
 * Cosmos DB the environment names (COSMOS_ENDPOINT and, locally, COSMOS_KEY; in Azure, the managed
 * identity). `--as-of` runs it as if at that time; `--dry-run` lists what would fire and changes
 * nothing. Without `--dry-run` it queues the escalations in the outbox; the bot's server sends them.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../bot/config.js";
import { bankHolidaysInEngland } from "../bot/escalations/bank-holidays.js";
import { createCalendar } from "../bot/escalations/calendar.js";
import { sweepEscalations } from "../bot/escalations/sweep.js";
import { Outbox } from "../bot/outbox/outbox.js";
import { CaseStore } from "../bot/store/case-store.js";
import { configuredCosmosClient, openContainers } from "../bot/store/cosmos.js";
import { OutboxStore } from "../bot/store/outbox-store.js";
import { SettingsStore } from "../bot/store/settings-store.js";

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
  const config = loadConfig(process.env);
  const client = configuredCosmosClient(config);
  if (!client) {
    console.error("Set COSMOS_ENDPOINT (and COSMOS_KEY locally): the sweep reads the cases stored there.");
    process.exit(2);
  }
  const containers = await openContainers(client, config.cosmos.database);
  const result = await sweepEscalations(
    {
      cases: new CaseStore(containers.cases),
      settings: new SettingsStore(containers.settings),
      outbox: new Outbox(new OutboxStore(containers.outbox), () => Promise.reject(new Error("not here")), {
        delivers: false,
      }),
      clocks: {
        policy: config.escalationPolicy,
        calendar: createCalendar(bankHolidaysInEngland, config.termDates),
      },
    },
    asOf,
    { dryRun: values["dry-run"] ?? false },
  );
  client.dispose();
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
  console.error(
    error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error),
  );
  process.exit(1);
}
