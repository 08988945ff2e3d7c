import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { buildManifest, validateManifest, writeAppPackage } from "../../scripts/app-package.js";
import { commandRoutes as commandList } from "../../bot/teams/routes.js";

const environment = {
  TEAMS_APP_ID: "11111111-2222-3333-4444-555555555555",
  MICROSOFT_APP_ID: "66666666-7777-8888-9999-000000000000",
  BOT_DOMAIN: "cme-referrals.azurewebsites.net",
  PRIVACY_URL: "https://www.leicestershire.gov.uk/privacy",
  TERMS_URL: "https://www.leicestershire.gov.uk/terms",
};

/** The names of the files in a zip, from its central directory. */
function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString("utf8"));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const icon = (name: string) =>
  PNG.sync.read(readFileSync(new URL(`../../manifest/${name}`, import.meta.url)));

describe("the Teams app package", () => {
  it("builds a manifest that the Teams schema (1.22, offline) accepts, with the bot's commands in both scopes", async () => {
    const manifest = buildManifest(environment);
    expect(await validateManifest(manifest)).to.deep.equal([]);
    expect(manifest).to.include({
      manifestVersion: "1.22",
      id: environment.TEAMS_APP_ID,
      accentColor: "#1F4E79",
    });
    expect(manifest.validDomains).to.deep.equal([environment.BOT_DOMAIN]);
    const bot = (
      manifest.bots as {
        botId: string;
        scopes: string[];
        commandLists: { scopes: string[]; commands: { title: string }[] }[];
      }[]
    )[0]!;
    expect(bot.botId).to.equal(environment.MICROSOFT_APP_ID);
    expect(bot.scopes).to.deep.equal(["personal", "team"]);
    const titles = (scope: string) =>
      bot.commandLists.find((list) => list.scopes.includes(scope))?.commands.map((command) => command.title);
    // Teams shows ten commands a scope: the first ten of the list, the ones most people use.
    const firstTen = (scope: "personal" | "team") =>
      commandList.filter((command) => (command.scopes as readonly string[]).includes(scope)).slice(0, 10);
    expect(titles("personal")).to.deep.equal(firstTen("personal").map((command) => command.name));
    expect(titles("personal")).to.include.members(["refer", "my referrals", "status", "dfe return"]);
    expect(titles("team")).to.include.members(["setup", "status", "case"]);
    expect(commandList.every((command) => command.description.length <= 128)).to.equal(true);
  });

  it("asks the team for resource-specific consent to read its channel's messages, as the bot's app", async () => {
    const manifest = buildManifest(environment);
    expect(await validateManifest(manifest)).to.deep.equal([]);
    expect(manifest.webApplicationInfo).to.deep.equal({ id: environment.MICROSOFT_APP_ID });
    expect(manifest.authorization).to.deep.equal({
      permissions: { resourceSpecific: [{ name: "ChannelMessage.Read.Group", type: "Application" }] },
    });
  });

  it("finds what is wrong with a manifest the schema refuses", async () => {
    const manifest = { ...buildManifest(environment), accentColor: "blue", developer: {} };
    const problems = await validateManifest(manifest);
    expect(problems.join("\n")).to.match(/accentColor/);
    expect(problems.join("\n")).to.match(/developer/);
  });

  it("refuses to build without the values it needs, naming each", () => {
    expect(() =>
      buildManifest({ ...environment, TEAMS_APP_ID: "not-a-guid", PRIVACY_URL: "http://x.example" }),
    ).to.throw(/TEAMS_APP_ID must be a GUID[\s\S]*PRIVACY_URL must be an https/);
    expect(() => buildManifest({})).to.throw(/MICROSOFT_APP_ID/);
  });

  it("zips the manifest and the two icons at the package's root", async () => {
    const path = await writeAppPackage(
      buildManifest(environment),
      mkdtempSync(join(tmpdir(), "cme-package-")),
    );
    expect(zipEntries(readFileSync(path))).to.have.members(["manifest.json", "color.png", "outline.png"]);
  });

  it("has a 192×192 colour icon and a 32×32 outline icon that is white on transparent", () => {
    const color = icon("color.png");
    expect([color.width, color.height]).to.deep.equal([192, 192]);
    const outline = icon("outline.png");
    expect([outline.width, outline.height]).to.deep.equal([32, 32]);
    let white = 0;
    let transparent = 0;
    for (let at = 0; at < outline.data.length; at += 4) {
      const [r, g, b, a] = [
        outline.data[at],
        outline.data[at + 1],
        outline.data[at + 2],
        outline.data[at + 3],
      ];
      if (a === 0) transparent += 1;
      else {
        expect([r, g, b, a], `pixel ${at / 4}`).to.deep.equal([255, 255, 255, 255]);
        white += 1;
      }
    }
    expect(white).to.be.greaterThan(0);
    expect(transparent).to.be.greaterThan(white);
  });
});
