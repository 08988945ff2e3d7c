/**
 * `npm run sample-extract -- [FILE.csv] [ROWS] [--serve]`: writes a made-up pupil database extract
 * (the shipped mapping's headers; invented names, test addresses) to try the import: children on
 * each of the three lists, children on roll, a few bad rows. Seeded, so the same command writes
 * the same file on the same day. With `--serve` it also serves the file on loopback (which the bot
 * downloads from in local mode only) and prints the activity that sends it to the bot as Teams
 * would, for the Playground's "Mock an Activity" → "Custom activity" (the Playground has no file
 * upload of Teams' kind).
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename } from "node:path";
import { ukDate } from "../bot/shared/uk-dates.js";
import { extractLines, plannedPupils } from "../test/support/pupil-extract-generator.js";

const usage = "Usage: npm run sample-extract -- [FILE.csv] [ROWS] [--serve]";
const serve = process.argv.includes("--serve");
const [file = "sample-extract.csv", rowsWritten = "200"] = process.argv
  .slice(2)
  .filter((arg) => arg !== "--serve");
const rows = Number(rowsWritten);
if (process.argv.length > 5 || !Number.isInteger(rows) || rows < 1 || rows > 200_000) {
  console.error(usage);
  process.exit(2);
}

const plans = plannedPupils({ seed: 14, rows, importDate: ukDate(new Date()), badShare: 0.02 });
const csv = [...extractLines(plans)].join("");
writeFileSync(file, csv);
console.log(`Wrote ${rows} rows to ${file}: send it to the bot in personal chat as a CME officer.`);

if (serve) {
  const name = basename(file);
  const server = createServer((request, response) => {
    if (request.url !== `/${name}`) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, { "content-type": "text/csv" });
    response.end(csv);
  });
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    const downloadUrl = `http://127.0.0.1:${port}/${name}`;
    const activity = {
      type: "message",
      text: "",
      attachments: [
        {
          contentType: "application/vnd.microsoft.teams.file.download.info",
          name,
          contentUrl: downloadUrl,
          content: { downloadUrl, uniqueId: "sample-extract", fileType: "csv" },
        },
      ],
    };
    console.log(`Serving it at ${downloadUrl} until you stop this (Ctrl+C). In the Playground's personal`);
    console.log(`chat, "Mock an Activity" → "Custom activity", paste this and send it:\n`);
    console.log(JSON.stringify(activity, null, 2));
  });
}
