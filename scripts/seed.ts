/**
 * `npm run seed -- --cases N [--years Y] [--seed S] [--distinct D]`: writes N cases with realistic histories
 * (the real wizard and case actions at planned moments: triage, enquiries, referrals on,
 * closures, reopenings, not-CME) into the Cosmos DB the environment names (COSMOS_ENDPOINT,
 * COSMOS_KEY, COSMOS_DATABASE), spread over Y years up to today (default 1); with --distinct D,
 * only D are generated and the rest are copies of them (other children, dates moved). For trying the
 * bot and measuring it at size; never in production: it refuses when MICROSOFT_APP_ID is set.
 */
import { parseArgs } from "node:util";
import { environment } from "../bot/environment.js";
import { loadConfig } from "../bot/config.js";
import { seedCases } from "../test/support/seeding.js";
import { exitWith, withServices } from "./composed.js";

const usage = "Usage: npm run seed -- --cases N [--years Y] [--seed S] [--distinct D]";

const { values } = parseArgs({
  options: {
    cases: { type: "string" },
    years: { type: "string" },
    seed: { type: "string" },
    distinct: { type: "string" },
  },
});
const cases = Number(values.cases);
const years = Number(values.years ?? 1);
const seed = Number(values.seed ?? 1);
const distinct = values.distinct === undefined ? undefined : Number(values.distinct);
const badDistinct = distinct !== undefined && (!Number.isInteger(distinct) || distinct < 1);
if (!Number.isInteger(cases) || cases < 1 || !(years > 0) || !Number.isInteger(seed) || badDistinct) {
  console.error(usage);
  process.exit(2);
}
const variables = environment();
// Asked before the configuration is checked: a production environment is refused as such.
if (variables.MICROSOFT_APP_ID) {
  console.error(
    "MICROSOFT_APP_ID is set, so this is the bot's Azure (production) environment: seeding writes made-up children among real cases, so it runs in local mode only. Unset MICROSOFT_APP_ID and point COSMOS_ENDPOINT at a local or test Cosmos DB.",
  );
  process.exit(2);
}

try {
  const config = loadConfig(variables);
  const result = await withServices(config, (services) =>
    seedCases(services, {
      cases,
      years,
      seed,
      now: new Date(),
      ...(distinct ? { distinct } : {}),
      onProgress: (written, elapsedMs) =>
        console.log(`${written} of ${cases} written (${((written * 1000) / elapsedMs).toFixed(0)} cases/s)`),
    }),
  );
  console.log(
    `Seeded ${result.written} cases over ${years} year(s) into ${config.cosmos.database} in ${(result.elapsedMs / 1000).toFixed(1)} s (${((result.written * 1000) / result.elapsedMs).toFixed(0)} cases/s); ${result.refused} plans the wizard refused were drawn again.`,
  );
  if (result.overfullYears.length > 0)
    console.log(
      `More than 99,999 referrals in ${result.overfullYears.join(", ")}: those references have six digits, which 'case CME-…' does not read.`,
    );
} catch (error) {
  exitWith(error);
}
