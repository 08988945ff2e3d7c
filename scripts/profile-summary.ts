/**
 * Self time of a .cpuprofile (node --cpu-prof, or BENCH_PROFILE=1 npm run bench) by package
 * (node_modules/<package>), by our file, and the top functions: `tsx scripts/profile-summary.ts
 * <file.cpuprofile> [how many]`.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

const [file, top = "15"] = process.argv.slice(2);
if (!file) throw new Error("usage: tsx scripts/profile-summary.ts <file.cpuprofile> [how many]");
const profile = profileSchema.parse(JSON.parse(await readFile(file, "utf8")));
const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));

/** Where a frame's code lives: a package, one of our files, Node itself, or V8's own work (GC, idle). */
function placeOf(url: string, functionName: string): string {
  if (!url) return `(${functionName || "anonymous"})`;
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage?.[1]) return inPackage[1];
  if (url.startsWith("node:")) return "node (built-in)";
  const ours = /\/(bot|test|scripts)\/(.+)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

const byPlace = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const frame = frames.get(id);
  const delta = profile.timeDeltas[i] ?? 0;
  if (!frame) return;
  total += delta;
  const place = placeOf(frame.url, frame.functionName);
  byPlace.set(place, (byPlace.get(place) ?? 0) + delta);
  const name = `${frame.functionName || "(anonymous)"}  ${place}:${frame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + delta);
});

const print = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
    console.log(
      `${((100 * us) / total).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`,
    );
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
print("Self time by package or file", byPlace);
print("Self time by function", byFunction);
