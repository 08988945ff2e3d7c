/**
 * A county's pupil database extract at size: 200,000 seeded rows (BENCH_EXTRACT_ROWS for
 * another size) written to a temp file, then read through the streaming reader and the
 * findings. Prints rows/s, the file's size, peak memory while reading (RSS and heap, sampled)
 * and the counts beside the generator's plan. Asserts nothing.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { loadExtractMapping } from "../../bot/pupils/extract-mapping.js";
import { findingsOfExtract } from "../../bot/pupils/import-extract.js";
import { extractLines, plannedPupils, type PupilPlan } from "../../test/support/pupil-extract-generator.js";

const rows = Number(process.env.BENCH_EXTRACT_ROWS ?? 200_000);
const importDate = "2026-01-15";
const mapping = loadExtractMapping(
  fileURLToPath(new URL("../../config/pupil-extract.json", import.meta.url)),
);
const dir = mkdtempSync(join(tmpdir(), "bench-extract-"));
const file = join(dir, "extract.csv");

const planned: Record<string, number> = {};
function* tallied(plans: Iterable<PupilPlan>) {
  for (const plan of plans) {
    for (const list of plan.lists) planned[list] = (planned[list] ?? 0) + 1;
    yield plan;
  }
}
await pipeline(
  Readable.from(extractLines(tallied(plannedPupils({ seed: 2026, rows, importDate, badShare: 0.01 })))),
  createWriteStream(file),
);
const megabytes = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

global.gc?.();
const before = process.memoryUsage();
let peakRss = before.rss;
let peakHeap = before.heapUsed;
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  peakRss = Math.max(peakRss, now.rss);
  peakHeap = Math.max(peakHeap, now.heapUsed);
}, 20);
const started = performance.now();
const found = await findingsOfExtract(createReadStream(file), mapping, importDate);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);

console.log(`\nPupil extract: ${rows.toLocaleString("en-GB")} rows, ${megabytes(statSync(file).size)} MB`);
console.log(
  `  read + findings: ${seconds.toFixed(2)} s, ${Math.round(found.rows.read / seconds).toLocaleString("en-GB")} rows/s`,
);
console.log(
  `  memory while reading: RSS ${megabytes(before.rss)} → peak ${megabytes(peakRss)} MB; heap ${megabytes(before.heapUsed)} → peak ${megabytes(peakHeap)} MB; process maxRSS ${megabytes(process.resourceUsage().maxRSS * 1024)} MB`,
);
console.log(
  `  rows: ${JSON.stringify(found.rows)}; problems kept ${found.problems.length} (+${found.problemsLeftOut})`,
);
console.log(`  findings kept: ${found.findings.length}`);
for (const [list, count] of Object.entries(found.counts)) {
  console.log(`  ${list}: ${count} (plan ${planned[list] ?? 0})`);
}
rmSync(dir, { recursive: true, force: true });
