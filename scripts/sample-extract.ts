/**
 * `npm run sample-extract -- [FILE.csv] [ROWS]`: writes a made-up pupil database extract (the
 * shipped mapping's headers; invented names, test addresses) to try the import in the Playground
 * or with `npm run import`: children on each of the three lists, children on roll, a few bad rows.
 * Seeded, so the same command writes the same file on the same day.
 */
import { writeFileSync } from "node:fs";
import { ukDate } from "../bot/shared/uk-dates.js";
import { extractLines, plannedPupils } from "../test/support/pupil-extract-generator.js";

const usage = "Usage: npm run sample-extract -- [FILE.csv] [ROWS]";
const [file = "sample-extract.csv", rowsWritten = "200"] = process.argv.slice(2);
const rows = Number(rowsWritten);
if (process.argv.length > 4 || !Number.isInteger(rows) || rows < 1 || rows > 200_000) {
  console.error(usage);
  process.exit(2);
}

const plans = plannedPupils({ seed: 14, rows, importDate: ukDate(new Date()), badShare: 0.02 });
writeFileSync(file, [...extractLines(plans)].join(""));
console.log(`Wrote ${rows} rows to ${file}: send it to the bot in personal chat as a CME officer.`);
