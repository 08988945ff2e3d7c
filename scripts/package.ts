/** `npm run package`: the Teams app zip in build/, from the environment (see the README's deployment section). */
import { fileURLToPath } from "node:url";
import { environment } from "../bot/environment.js";
import { buildManifest, validateManifest, writeAppPackage } from "./app-package.js";

try {
  const manifest = buildManifest(environment());
  const problems = await validateManifest(manifest);
  if (problems.length > 0)
    throw new Error(`The manifest is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  const path = await writeAppPackage(manifest, fileURLToPath(new URL("../build/", import.meta.url)));
  console.log(
    `Wrote ${path}: upload it in Teams (Apps, Manage your apps, Upload an app) or the Teams admin centre.`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
