/**
 * `npm run report -- dfe [--census YYYY-MM-DD] [--year YYYY/YY] [--out FILE.csv]`: the DfE's
 * termly children missing education return, from the cases in the Cosmos DB the environment
 * names (COSMOS_ENDPOINT and, locally, COSMOS_KEY; in Azure, the managed identity). The CSV
 * (measure, breakdown_topic, breakdown, child_count) goes to stdout, or to --out with the tables
 * printed instead; the cases to put right first are listed on stderr. Reads only; writes nothing.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { configFromEnvironment } from "../bot/environment.js";
import { dfeReturnRequest } from "../bot/reports/census-dates.js";
import { dfeReturn, dfeReturnCsv, dfeReturnWindow } from "../bot/reports/dfe-return.js";
import { exitWith, withServices } from "./composed.js";
import { ukDate } from "../bot/shared/uk-dates.js";

const usage = "Usage: npm run report -- dfe [--census YYYY-MM-DD] [--year YYYY/YY] [--out FILE.csv]";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { census: { type: "string" }, year: { type: "string" }, out: { type: "string" } },
});
if (positionals[0] !== "dfe") {
  console.error(usage);
  process.exit(2);
}

try {
  const config = configFromEnvironment();
  const request = dfeReturnRequest(config.censusDates, ukDate(new Date()), values.census, values.year);
  if (!request.ok) {
    console.error(`${request.problem}\n${usage}`);
    process.exit(2);
  }
  const result = dfeReturn(
    await withServices(config, ({ cases }) =>
      cases.timelines(dfeReturnWindow(request.censusDate, request.year)),
    ),
    request.censusDate,
    request.year,
  );
  const csv = dfeReturnCsv(result);
  if (values.out) {
    writeFileSync(values.out, csv);
    console.log(
      `Census day ${result.censusDate}: ${result.censusDayTotal} children CME. Academic year ${result.year.label} (${result.year.from} to ${result.year.to}): ${result.anyTimeTotal} at any point. Written to ${values.out}.`,
    );
    for (const row of result.rows)
      console.log(`  ${row.measure}  ${row.topic}: ${row.breakdown}  ${row.count}`);
  } else {
    process.stdout.write(csv);
  }
  if (result.dataQuality.length > 0) {
    console.error(`${result.dataQuality.length} cases to put right before the return is sent:`);
    for (const issue of result.dataQuality)
      console.error(`  ${issue.reference}: ${issue.problems.join("; ")}`);
  }
} catch (error) {
  exitWith(error);
}
