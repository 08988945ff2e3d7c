/**
 * Builds the Teams app package: manifest/manifest.template.json filled from the environment, the
 * bot's commands added from the code, checked against the manifest schema bundled with
 * @microsoft/app-manifest (offline), and zipped with the two icons.
 */
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AppManifestUtils } from "@microsoft/app-manifest";
import yazl from "yazl";
import { z } from "zod";
import { commandRoutes } from "../bot/teams/routes.js";

const manifestFolder = fileURLToPath(new URL("../manifest/", import.meta.url));
const require = createRequire(import.meta.url);

function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return version;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const httpsUrl = z.url().refine((url) => url.startsWith("https://"), "must be an https:// address");

/** What the manifest needs from the environment; a missing or bad value stops the build, naming it. */
export const packageEnvironment = z.object({
  TEAMS_APP_ID: z.string().regex(guid, "must be a GUID (the Teams app's own id; make one with uuidgen)"),
  MICROSOFT_APP_ID: z.string().regex(guid, "must be the Azure Bot's app id (a GUID)"),
  BOT_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "must be the bot's host name, like cme-referrals.azurewebsites.net"),
  PRIVACY_URL: httpsUrl,
  TERMS_URL: httpsUrl,
  WEBSITE_URL: httpsUrl.default(
    "https://www.leicestershire.gov.uk/education-and-children/schools-colleges-and-academies/children-missing-education",
  ),
  PUBLISHER_NAME: z.string().min(1).max(32).default("Leicestershire County Council"),
  APP_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, "must be a version like 1.0.0")
    .default(packageVersion()),
});
export type PackageEnvironment = z.input<typeof packageEnvironment>;

/** The manifest, filled in: `${{NAME}}` placeholders from the environment, command lists from the code. */
export function buildManifest(environment: Record<string, string | undefined>): Record<string, unknown> {
  const parsed = packageEnvironment.safeParse(environment);
  if (!parsed.success) {
    throw new Error(
      `The app package needs:\n${parsed.error.issues.map((issue) => `  - ${issue.path.join(".")} ${issue.message}`).join("\n")}`,
    );
  }
  const values: Record<string, string> = parsed.data;
  const text = readFileSync(join(manifestFolder, "manifest.template.json"), "utf8").replace(
    /\$\{\{(\w+)\}\}/g,
    (_, name: string) => {
      const value = values[name];
      if (value === undefined)
        throw new Error(`manifest.template.json uses \${{${name}}}, which is not known`);
      return value;
    },
  );
  const manifest = JSON.parse(text) as { bots: { commandLists: unknown[] }[] };
  const bot = manifest.bots[0];
  if (!bot) throw new Error("manifest.template.json has no bot");
  bot.commandLists = (["personal", "team"] as const).map((scope) => ({
    scopes: [scope],
    commands: commandRoutes
      .filter((command) => command.scopes.includes(scope))
      // Teams takes at most ten commands a scope; the help card lists them all.
      .slice(0, 10)
      .map((command) => ({ title: command.name, description: command.description })),
  }));
  return manifest;
}

/** Problems the bundled Teams manifest schema finds (none: it is valid). */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const version = String(manifest.manifestVersion);
  const schema = JSON.parse(
    readFileSync(
      require.resolve(
        `@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`,
      ),
      "utf8",
    ),
  ) as object;
  return AppManifestUtils.validateAgainstSchema(manifest as never, schema as never);
}

/** Writes the zip (manifest.json and the two icons, at its root, as Teams wants) and returns its path. */
export async function writeAppPackage(manifest: Record<string, unknown>, outFolder: string): Promise<string> {
  mkdirSync(outFolder, { recursive: true });
  const path = join(outFolder, "cme-referrals-teams-app.zip");
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), "manifest.json");
  for (const icon of ["color.png", "outline.png"]) zip.addFile(join(manifestFolder, icon), icon);
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(path)).on("close", resolve).on("error", reject);
  });
  return path;
}
