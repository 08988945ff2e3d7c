import { expect } from "chai";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { repoRoot, sourceFiles } from "../support/source-files.js";

/** What a file imports: `bot/…` paths for its own modules (without `.js`), package names for the rest. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(repoRoot, file), "utf8");
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^"']*?\bfrom\s*["']([^"']+)["']/gm),
    ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1] ?? "");
  return specifiers.map((specifier) =>
    specifier.startsWith(".") ? normalize(join(dirname(file), specifier)).replace(/\.js$/, "") : specifier,
  );
}

const botFiles = sourceFiles("bot");
const edges = botFiles.flatMap((file) => importsOf(file).map((target) => ({ file, target })));
const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);

/**
 * The domain, the ports shared by it, and the pieces everything shares (UK dates, people, field
 * builders, choices, the case reference): none of it may reach Teams or Cosmos.
 */
const domain = [
  "bot/cases",
  "bot/referrals",
  "bot/escalations",
  "bot/reports",
  "bot/outbox",
  "bot/people",
  "bot/pupils",
  "bot/shared",
].map(under);
const ports = new Set(["bot/concurrency.ts", "bot/settings.ts"]);
const isDomain = (file: string) => ports.has(file) || domain.some((inside) => inside(file));

/**
 * The imports that still cross a line, each with why; each must still be there (a test below),
 * so one that goes is taken off the list.
 */
const allowed: readonly { readonly file: string; readonly target: string; readonly why: string }[] = [
  {
    file: "bot/referrals/submission.ts",
    target: "bot/cases/case",
    why: "submission builds the case's first state and adds further referrals (caseFromDraft, withFurtherReferral): case opening, to move into bot/cases with the submission's rework",
  },
  {
    file: "bot/referrals/submission.ts",
    target: "bot/cases/case-repository",
    why: "as above: it writes the case it opens",
  },
  {
    file: "bot/cases/case-service.ts",
    target: "bot/store/contention",
    why: "retrying a lost ETag race is bounded by the turn's store budget, which only the store knows",
  },
  {
    file: "bot/cases/retention-sweep.ts",
    target: "bot/store/contention",
    why: "as above",
  },
  {
    file: "bot/referrals/submit-referral.ts",
    target: "bot/store/deadline",
    why: "a submission that outlives its turn runs outside the turn's store budget, under one of its own (outsideTurn, withStoreBudget)",
  },
  {
    file: "bot/outbox/outbox.ts",
    target: "bot/store/deadline",
    why: "the store's own judgement that it is unreachable (isUnreachable), and running outside a turn's store budget (outsideTurn)",
  },
];
const isAllowed = ({ file, target }: { file: string; target: string }) =>
  allowed.some((entry) => entry.file === file && entry.target === target);

describe("dependencies", () => {
  it("finds the imports it checks", () => {
    expect(botFiles).to.include("bot/referrals/submitted-referral.ts");
    expect(importsOf("bot/cases/case.ts")).to.include("bot/referrals/submitted-referral");
    expect(importsOf("bot/index.ts")).to.include("bot/app");
    expect(importsOf("bot/teams/adapter.ts")).to.include("botbuilder");
    expect(importsOf("bot/shared/fields.ts")).to.include("bot/shared/uk-dates");
  });

  it("go one way between referrals and cases: cases depend on referrals, not back", () => {
    const back = edges.filter(
      (edge) => under("bot/referrals")(edge.file) && under("bot/cases")(edge.target) && !isAllowed(edge),
    );
    expect(back.map(({ file, target }) => `${file} imports ${target}`)).to.deep.equal([]);
  });

  it("keep the domain from Teams and from the store: it declares the stores it needs, bot/store implements them", () => {
    const outward = edges.filter(
      (edge) =>
        isDomain(edge.file) &&
        (under("bot/teams")(edge.target) || under("bot/store")(edge.target)) &&
        !isAllowed(edge),
    );
    expect(outward.map(({ file, target }) => `${file} imports ${target}`)).to.deep.equal([]);
  });

  it("keep the shared pieces to themselves: bot/shared imports no other folder of bot", () => {
    const reaching = edges.filter(
      (edge) =>
        under("bot/shared")(edge.file) && edge.target.startsWith("bot/") && !under("bot/shared")(edge.target),
    );
    expect(reaching.map(({ file, target }) => `${file} imports ${target}`)).to.deep.equal([]);
  });

  it("keep botbuilder behind bot/teams", () => {
    const outside = edges.filter(
      (edge) => /^(botbuilder|botframework-)/.test(edge.target) && !under("bot/teams")(edge.file),
    );
    expect(outside.map(({ file, target }) => `${file} imports ${target}`)).to.deep.equal([]);
  });

  it("list as allowed only crossings that are still there", () => {
    const gone = allowed.filter(
      (entry) => !edges.some((edge) => edge.file === entry.file && edge.target === entry.target),
    );
    expect(gone.map(({ file, target }) => `${file} no longer imports ${target}`)).to.deep.equal([]);
  });
});
