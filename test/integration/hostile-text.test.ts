import { expect } from "chai";
import { forms, type StepId } from "../../bot/referrals/steps.js";
import {
  actionData,
  cardAction,
  cardIn,
  cardText,
  channelId,
  eventually,
  invokeCard,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  tenantId,
  type Harness,
} from "../support/harness.js";
import {
  goodAnswers,
  next,
  press,
  refer,
  sayRefer,
  submitAction,
  walkToReview,
} from "../support/referral-walk.js";

const huge = "y".repeat(120_000);

/** Every TextBlock's text and fact on a card: what Teams reads as markdown. */
function markdownOn(card: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.type === "TextBlock") found.push(String(record.text));
      if (record.type === "FactSet")
        for (const fact of record.facts as { title: string; value: string }[])
          found.push(fact.title, fact.value);
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return found;
}

describe("hostile text over HTTP: sizes and markup", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: tenantId });
  });
  afterEach(async () => {
    await h.close();
  });

  const draftOf = async () =>
    (await h.app.services.drafts.get(people.dsl.id, `${people.dsl.id}|school-age`))!;
  const resume = async () => {
    const before = h.teams.replies(personalConversationId(people.dsl)).length;
    await h.send(personalMessage(h.teams, people.dsl, "resume"));
    return cardIn(h.teams.replies(personalConversationId(people.dsl))[before]!);
  };
  /** Every typed value of the draft is within its input's limit. */
  const expectAllWithinLimits = async () => {
    const draft = await draftOf();
    for (const [step, values] of Object.entries(draft.typed)) {
      if (step === "review") continue;
      const limits = forms["school-age"].lengthLimits[step as StepId];
      for (const [key, value] of Object.entries(values)) {
        const limit = limits[key] ?? limits[key.replace(/\.\d+\./, ".")] ?? 200;
        expect(value.length, `${step} ${key}`).to.be.at.most(limit);
      }
    }
  };

  it("answers a Next with 120,000 characters in a 500-character field with a message under it, keeps the first 500, and the draft carries on", async () => {
    const card = await sayRefer(h, people.dsl);
    const again = await next(h, people.dsl, card, {
      whatHappened: "other",
      whatHappenedOther: huge,
      immediateDanger: "no",
    });
    expect(cardText(again)).to.include("Keep this to 500 characters or fewer");
    expect(cardText(again)).to.include("only their first part is kept: Details");
    expect((await draftOf()).typed.whatHappened?.whatHappenedOther).to.have.length(500);

    const resumed = await resume();
    expect(cardText(resumed)).to.include("Step 1 of 8");
    expect(cardText(resumed)).to.include(`"value":"${"y".repeat(500)}"`);
    const saved = await press(h, people.dsl, resumed, "referral.save", { whatHappenedOther: huge });
    expect(cardText(saved)).to.include("Referral saved for later");
    const onward = await next(h, people.dsl, await resume(), goodAnswers.whatHappened);
    expect(cardText(onward)).to.include("Step 2 of 8");
  });

  it("bounds every input before it is stored: Save for later, Back, add and remove a row", async () => {
    let card = await sayRefer(h, people.dsl);
    card = await next(h, people.dsl, card, goodAnswers.whatHappened);
    card = await next(h, people.dsl, card, goodAnswers.child);
    // As much as a request may carry (256 KB), spread over the card's inputs.
    const long = "y".repeat(40_000);
    const family = {
      "parents.0.name": long,
      "parents.0.relationship": long,
      "parents.0.phone": long,
      "parents.0.email": long,
      familyAddress: long,
    };
    card = await press(h, people.dsl, card, "referral.addRow", family, { group: "parents" });
    await expectAllWithinLimits();
    card = await press(
      h,
      people.dsl,
      card,
      "referral.removeRow",
      { ...family, "parents.1.name": long },
      {
        group: "parents",
        index: "1",
      },
    );
    await expectAllWithinLimits();
    expect(cardText(card)).to.include("only their first part is kept");
    const saved = await press(h, people.dsl, card, "referral.save", family);
    expect(cardText(saved)).to.include("only their first part is kept");
    await expectAllWithinLimits();
    const back = await press(h, people.dsl, await resume(), "referral.back", family);
    expect(cardText(back)).to.include("Step 2 of 8");
    await expectAllWithinLimits();
  });

  it("opens a draft stored earlier with huge values in every input, says what was cut, and every button works", async () => {
    const card = await next(h, people.dsl, await sayRefer(h, people.dsl), goodAnswers.whatHappened);
    await next(h, people.dsl, card, goodAnswers.child);
    const stored = await draftOf();
    // As an older version of the bot could store it: what was typed, unchecked and whole.
    const typed = Object.fromEntries(
      ["parents.0.name", "parents.0.relationship", "parents.0.phone", "parents.1.name", "familyAddress"].map(
        (key) => [key, "é".repeat(120_000)],
      ),
    );
    await h.app.services.drafts.save(
      { ...stored, typed: { ...stored.typed, family: typed }, groupSizes: { parents: 2 } },
      stored,
    );
    const opened = await resume();
    expect(cardText(opened)).to.include("Step 3 of 8");
    expect(cardText(opened)).to.include("only their first part is kept");
    for (const [verb, match] of [
      ["referral.addRow", { group: "parents" }],
      ["referral.removeRow", { group: "parents", index: "1" }],
      ["referral.save", {}],
      ["referral.next", {}],
      ["referral.back", {}],
    ] as const) {
      const current = await resume();
      const response = await h.send(
        cardAction(h.teams, people.dsl, "personal", verb, actionData(current, verb, match)),
      );
      expect(response.status, verb).to.equal(200);
      expect(JSON.stringify(response.body), verb).not.to.include("Something went wrong");
    }
  });

  it("refuses a reason on the review over its limit, saying so on the card, and stores nothing", async () => {
    const withoutVisit = {
      ...goodAnswers,
      enquiries: Object.fromEntries(
        Object.entries(goodAnswers.enquiries).filter(([key]) => !key.startsWith("homeVisits")),
      ),
    };
    const review = await walkToReview(h, people.dsl, withoutVisit);
    const reply = invokeCard(await h.send(submitAction(h, people.dsl, review, { reasonIncomplete: huge })));
    expect(cardText(reply)).to.include("Keep this to 1,000 characters or fewer");
    expect(cardText(reply)).to.include(`"value":"${"y".repeat(1000)}"`);
    expect((await draftOf()).reasonIncomplete).to.equal(undefined);
    expect(await h.app.services.cases.get(`CME-${new Date().getUTCFullYear()}-00001`)).to.equal(undefined);
  });

  describe("on a case", () => {
    let reference: string;
    beforeEach(async () => {
      await refer(h, people.dsl);
      reference = `CME-${new Date().getUTCFullYear()}-00001`;
    });
    const cardFor = async () =>
      invokeCard(
        await h.send(cardAction(h.teams, people.officer, "channel", "case.refresh", { caseId: reference })),
      );

    it("shows a stale card again with 30,000 characters typed in its forms, cut to each input's limit, saying so", async () => {
      const stale = await cardFor();
      // Someone else changes the case first.
      const other = invokeCard(
        await h.send(cardAction(h.teams, people.officer2, "channel", "case.refresh", { caseId: reference })),
      );
      await h.send(
        cardAction(
          h.teams,
          people.officer2,
          "channel",
          "case.assignToMe",
          actionData(other, "case.assignToMe"),
        ),
      );
      const typed = {
        "triage.dfeReason": "unknown",
        "triage.cmeStartDate": "2026-11-02",
        "changeStatus.reason": "z".repeat(30_000),
        "addNote.note": "z".repeat(30_000),
        "close.detail": "z".repeat(30_000),
      };
      for (const verb of ["case.triage", "case.close"]) {
        const response = await h.send(
          cardAction(h.teams, people.officer, "channel", verb, { ...actionData(stale, verb), ...typed }),
        );
        const card = invokeCard(response);
        expect(cardText(card), verb).to.include("This case changed since your card was made");
        expect(cardText(card), verb).to.include("only its first part is kept in the form");
        expect(cardText(card), verb).to.include(`"value":"${"z".repeat(2000)}"`);
        expect(cardText(card), verb).not.to.include("z".repeat(2001));
      }
    });
  });

  it("shows a child's surname typed as a markdown link literally on the channel card everyone sees", async () => {
    await refer(h, people.dsl, {
      ...goodAnswers,
      child: { ...goodAnswers.child, surname: "Mark[link](https://evil.example/p)" },
    });
    const post = await eventually(() => {
      const found = h.teams.posts(channelId)[0];
      if (!found) throw new Error("no channel post yet");
      return found;
    });
    const texts = markdownOn(cardIn(post));
    expect(texts.some((text) => text.includes("Mark\\[link\\](https://evil.example/p)"))).to.equal(true);
    expect(texts.some((text) => text.includes("Mark[link]("))).to.equal(false);
  });

  it("shows Teams' date function typed in a surname as typed, not as a date Teams would put in its place", async () => {
    await refer(h, people.dsl, {
      ...goodAnswers,
      child: { ...goodAnswers.child, surname: "Day{{DATE(2017-02-14T06:08:39Z, SHORT)}}" },
    });
    const post = await eventually(() => {
      const found = h.teams.posts(channelId)[0];
      if (!found) throw new Error("no channel post yet");
      return found;
    });
    const texts = markdownOn(cardIn(post));
    expect(
      texts.some((text) => text.includes("Day{\u200b{DATE(2017-02-14T06:08:39Z, SHORT)}\u200b}")),
    ).to.equal(true);
    expect(texts.some((text) => text.includes("{{DATE("))).to.equal(false);
  });
});
