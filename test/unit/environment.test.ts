import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { environment, localEnvFile } from "../../bot/environment.js";
import { repoRoot, sourceFiles } from "../support/source-files.js";

/** `process.env`, `process["env"]`, or `env` taken out of `process`. */
const readsEnvironment =
  /process\s*(\??\.\s*env\b|\[\s*["'`]env["'`]\s*\])|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/g;

/** The bench's own knobs (its arguments, not the bot's configuration). */
const benchKnob = /^process\.env\.BENCH\w*$/;
const isBench = (file: string) => file === "scripts/bench.ts" || file.startsWith("scripts/bench/");

describe("the environment", () => {
  it("is read by bot/environment.ts alone: the bot and its scripts are given their configuration", () => {
    const readers: string[] = [];
    for (const file of [...sourceFiles("bot"), ...sourceFiles("scripts")]) {
      if (file === "bot/environment.ts") continue;
      const text = readFileSync(join(repoRoot, file), "utf8");
      for (const match of text.matchAll(readsEnvironment)) {
        const reading = text.slice(match.index).match(/^process\.env\.\w+/)?.[0] ?? match[0];
        if (isBench(file) && benchKnob.test(reading)) continue;
        readers.push(`${file}: ${reading}`);
      }
    }
    expect(readers).to.deep.equal([]);
    // The test would see a reader: it finds the one there is.
    expect(readFileSync(join(repoRoot, "bot/environment.ts"), "utf8")).to.match(readsEnvironment);
  });

  it("puts local.env's presets beneath the variables set, for the server in local mode only", () => {
    const presets = parseEnv(readFileSync(localEnvFile, "utf8"));
    const saved = { ...process.env };
    try {
      delete process.env.MICROSOFT_APP_ID;
      delete process.env.CME_CHANNEL_ID;
      process.env.CME_TEAM_ID = "set-by-hand";
      expect(environment({ localPresets: true })).to.include({
        CME_TEAM_ID: "set-by-hand",
        CME_CHANNEL_ID: presets.CME_CHANNEL_ID,
      });
      expect(environment()).not.to.have.property("CME_CHANNEL_ID");
      process.env.MICROSOFT_APP_ID = "an-azure-bot";
      expect(environment({ localPresets: true })).not.to.have.property("CME_CHANNEL_ID");
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
