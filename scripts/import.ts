/**
 * `npm run import -- FILE.csv`: reads a pupil database extract the way the bot reads one sent in
 * Teams (the mapping in config/pupil-extract.json, the same checks and limits) and prints what it
 * shows: the rows read, each list's count, the bad rows (row, column, why), and how many of the
 * children listed already have an open case in the Cosmos DB the environment names. Prints no
 * child's details; reads the cases; writes only the import's record (by "command line"). Exit 1,
 * with the reason, on a refused file or a record that could not be written (the findings printed).
 */
import { randomUUID } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { basename } from "node:path";
import { configFromEnvironment } from "../bot/environment.js";
import { refusalBeforeReading } from "../bot/pupils/extract-source.js";
import { extractListTitles } from "../bot/pupils/extract-view.js";
import { extractLists, type ExtractFindings } from "../bot/pupils/findings.js";
import { importExtract } from "../bot/pupils/import-extract.js";
import { commandLine, importRecordOf } from "../bot/pupils/import-record.js";
import { ExtractRefused } from "../bot/pupils/read-extract.js";
import { ukDate } from "../bot/shared/uk-dates.js";
import { exitWith, withServices } from "./composed.js";

const usage = "Usage: npm run import -- FILE.csv";

const path = process.argv[2];
if (!path || process.argv.length > 3) {
  console.error(usage);
  process.exit(2);
}

try {
  const config = configFromEnvironment();
  const { mapping, limits } = config.pupilExtracts;
  const refused = refusalBeforeReading({ name: basename(path), size: statSync(path).size }, limits.maxBytes);
  if (refused) throw refused;
  await withServices(config, async (services) => {
    const { findings, openCases } = await importExtract(
      services,
      createReadStream(path),
      mapping,
      ukDate(new Date()),
      limits,
    );
    printFindings(findings, openCases.size);
    try {
      await services.settings.recordImport(
        importRecordOf(randomUUID(), commandLine, new Date(), basename(path), findings),
      );
    } catch (error) {
      console.error(
        `The findings above stand, but the import could not be recorded: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exitCode = 1;
    }
  });
} catch (error) {
  if (error instanceof ExtractRefused) {
    console.error(`The file was refused: ${error.message}`);
    process.exit(1);
  }
  exitWith(error);
}

/** Counts, problems and how many have an open case: never a child's details. */
function printFindings(findings: ExtractFindings, withOpenCase: number): void {
  const { rows } = findings;
  console.log(
    `${rows.read} rows read on ${findings.importDate}: ${rows.good} good, ${rows.bad} with problems.`,
  );
  for (const list of extractLists) console.log(`  ${extractListTitles[list]}: ${findings.counts[list]}`);
  console.log(
    `${withOpenCase} of the ${findings.findings.length} children listed already have an open case.`,
  );
  if (findings.problems.length > 0) {
    console.log("Problems:");
    for (const problem of findings.problems)
      console.log(`  row ${problem.row}, ${problem.column ?? "the row"}: ${problem.why}`);
    if (findings.problemsLeftOut > 0) console.log(`  and ${findings.problemsLeftOut} more`);
  }
}
