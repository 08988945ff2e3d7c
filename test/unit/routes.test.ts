import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { commandIn } from "../../bot/teams/dispatch.js";
import { commandRoutes, routes } from "../../bot/teams/routes.js";

const cardsFolder = join(import.meta.dirname, "../../cards");

/** Every `verb` a card template's Action.Execute names, wherever it sits in the card (refresh, action sets, show cards). */
function verbsIn(node: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const each of node) verbsIn(each, found);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "verb" && typeof value === "string") found.add(value);
      else verbsIn(value, found);
    }
  }
  return found;
}

describe("the route table", () => {
  const cardVerbs = new Set<string>();
  for (const file of readdirSync(cardsFolder).filter((name) => name.endsWith(".json")))
    verbsIn(JSON.parse(readFileSync(join(cardsFolder, file), "utf8")), cardVerbs);
  const tableVerbs = routes.flatMap((route) => (route.kind === "verb" ? [route.verb] : []));

  it("has a route for every button on every card, and no route for a button no card has", () => {
    expect(cardVerbs.size).to.be.greaterThan(20);
    expect(
      [...cardVerbs].filter((each) => !tableVerbs.includes(each)),
      "buttons with no route",
    ).to.deep.equal([]);
    expect(
      tableVerbs.filter((each) => !cardVerbs.has(each)),
      "routes no card uses",
    ).to.deep.equal([]);
  });

  it("names each verb and each command (with its aliases) once", () => {
    expect(new Set(tableVerbs).size).to.equal(tableVerbs.length);
    const words = commandRoutes.flatMap((route) => [route.name, ...(route.aliases ?? [])]);
    expect(new Set(words).size).to.equal(words.length);
    expect(commandRoutes.length).to.equal(routes.filter((route) => route.kind === "command").length);
    // A file sent in a message goes to the one file route.
    expect(routes.filter((route) => route.kind === "file")).to.have.length(1);
  });

  it("says where and by whom every route is used", () => {
    for (const route of routes) {
      const label = route.kind === "verb" ? route.verb : route.kind === "file" ? route.file : route.name;
      expect(route.scopes.length, label).to.be.greaterThan(0);
      expect(["anyone", "cme-team", "manager"]).to.include(route.who);
    }
  });

  it("finds a command by its longest name or alias, at a word's end only", () => {
    expect(commandIn(routes, "dfe return 2026-10-01")).to.include({ rest: "2026-10-01" });
    expect(commandIn(routes, "dfe return 2026-10-01")?.route.name).to.equal("dfe return");
    expect(commandIn(routes, "dfe returns")).to.include({ rest: "returns" });
    expect(commandIn(routes, "show cme-2026-00001")?.route.name).to.equal("case");
    expect(commandIn(routes, "my referrals")).to.include({ rest: "" });
    expect(commandIn(routes, "my")).to.equal(undefined);
    expect(commandIn(routes, "referral")).to.equal(undefined);
    expect(commandIn(routes, "refer early years")).to.include({ rest: "early years" });
  });
});
