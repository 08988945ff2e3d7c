import { expect } from "chai";
import { createRequire } from "node:module";
import { readdirSync } from "node:fs";
import { caseFromDraft } from "../../bot/referrals/submission.js";
import { reviewView, stepCards, stepView, submittedView } from "../../bot/referrals/views.js";
import { caseChannelView } from "../../bot/cases/views.js";
import { statusView } from "../../bot/reports/status.js";
import { commandList } from "../../bot/teams/commands.js";
import { maxCardBytes, renderCard } from "../../bot/teams/render-card.js";
import { startDraft } from "../../bot/referrals/wizard.js";
import type { Draft } from "../../bot/referrals/draft.js";
import { caseStatuses } from "../../bot/cases/case.js";

// The Adaptive Cards library loads in Node only from its dist bundle.
const require = createRequire(import.meta.url);
const AdaptiveCards = require("adaptivecards/dist/adaptivecards.js") as {
  AdaptiveCard: new () => {
    parse(json: unknown, context?: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
  };
  SerializationContext: new () => { eventCount: number; getEventAt(index: number): { message: string } };
};

const long = (n: number) => "x".repeat(n);
const now = new Date("2026-11-28T10:00:00Z");

/** A draft with every field at its longest. */
function maximalDraft(): Draft {
  return {
    ...startDraft({ id: "29:dsl", name: long(100) }, "school-age", now),
    step: "review",
    version: 9,
    answers: {
      whatHappened: { whatHappened: "other", whatHappenedOther: long(500), immediateDanger: "yes" },
      child: {
        forenames: long(100),
        surname: long(100),
        knownAs: long(100),
        dateOfBirth: "2015-03-14",
        sex: "female",
        address: long(300),
        postcode: "LE18 4AB",
      },
      school: { school: long(200), dateLastAttended: "2026-11-02" },
    },
  };
}

function everyCard(): [string, object][] {
  const draft = maximalDraft();
  const errors = { whatHappened: long(200), forenames: long(200), school: long(200) };
  const submitted = caseFromDraft(draft, "CME-2026-00042", now);
  const assigned = { ...submitted, owner: { id: "29:o", name: long(100) } };
  return [
    ...Object.entries(stepCards).map(([step, template]): [string, object] => [
      template,
      stepView(draft, step as keyof typeof stepCards, {
        emergencyContacts: long(300),
        errors,
        notice: long(200),
      }),
    ]),
    ["referral-review", reviewView(draft, long(200))],
    [
      "referral-submitted",
      submittedView("CME-2026-00042", submitted.referral, submitted.submittedAt, long(300)),
    ],
    ["case-channel", caseChannelView(assigned, "2026-11-28")],
    ["case-channel", caseChannelView(submitted, "2026-11-28")],
    [
      "escalation-urgent",
      {
        reference: "CME-2026-00042",
        since: "28 Nov 2026, 10:00",
        mentionText: "<at>A</at>",
        mentionEntities: [{ type: "mention", text: "<at>A</at>", mentioned: { id: "29:a", name: "A" } }],
      },
    ],
    ["help", { commands: commandList, emergencyContacts: long(300) }],
    [
      "status",
      statusView(
        { byStatus: Object.fromEntries(caseStatuses.map((s) => [s, 99999])) as never, unassigned: 5 },
        3,
        now,
      ),
    ],
  ];
}

describe("card templates", () => {
  const cards = everyCard();

  it("covers every template in cards/", () => {
    const templates = readdirSync(new URL("../../cards/", import.meta.url)).map((f) =>
      f.replace(/\.json$/, ""),
    );
    expect(new Set(cards.map(([name]) => name))).to.deep.equal(new Set(templates));
  });

  for (const [name, view] of cards) {
    it(`${name} renders with maximal data under 28 KB, fully resolved, valid Adaptive Card 1.5`, () => {
      const card = renderCard(name, view);
      const json = JSON.stringify(card);
      expect(Buffer.byteLength(json)).to.be.below(maxCardBytes);
      expect(json).not.to.match(/\$\{/);
      expect(card).to.include({ type: "AdaptiveCard", version: "1.5" });
      expect(card.msteams).to.include({ width: "Full" });
      const adaptiveCard = new AdaptiveCards.AdaptiveCard();
      const context = new AdaptiveCards.SerializationContext();
      adaptiveCard.parse(card, context);
      const parseEvents = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
      expect(parseEvents).to.deep.equal([]);
      expect(adaptiveCard.validateProperties().validationEvents.map((e) => e.message)).to.deep.equal([]);
      const actions = (card.actions ?? []) as { type: string }[];
      for (const action of actions) expect(action.type).to.equal("Action.Execute");
    });
  }

  it("refuses to render a card whose view model lacks a value", () => {
    expect(() => renderCard("referral-submitted", { reference: "CME-2026-00001" })).to.throw(/unresolved/);
  });
});
