/**
 * `npm run audit`: known vulnerabilities in what runs in production. Uses `npm audit` where the
 * registry serves advisories; where it does not (as on the development machines here, whose
 * registry answers 405), it says so and checks what can be checked from the registry itself:
 * each production dependency's deprecation notice and how far it is behind the latest release.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const npm = (args: string[]) => spawnSync("npm", args, { encoding: "utf8" });

const audit = npm(["audit", "--omit=dev", "--json"]);
const report = (() => {
  try {
    return JSON.parse(audit.stdout) as { metadata?: { vulnerabilities?: Record<string, number> } };
  } catch {
    return undefined;
  }
})();
if (report?.metadata?.vulnerabilities) {
  console.log("npm audit (production dependencies):", report.metadata.vulnerabilities);
  process.exit(audit.status === 0 ? 0 : 1);
}

console.log("npm audit is not available from this registry; checking deprecations and versions instead.");
const { dependencies } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  dependencies: Record<string, string>;
};
let problems = 0;
for (const [name, version] of Object.entries(dependencies)) {
  const view = npm(["view", `${name}@${version}`, "deprecated", "--json"]);
  const deprecated = view.stdout.trim();
  const latest = npm(["view", name, "version"]).stdout.trim();
  const behind = latest && latest.split(".")[0] !== version.split(".")[0] ? ` (latest ${latest})` : "";
  if (deprecated) {
    problems += 1;
    console.log(`DEPRECATED ${name}@${version}: ${deprecated}`);
  } else {
    console.log(`ok         ${name}@${version}${behind}`);
  }
}
process.exit(problems > 0 ? 1 : 0);
