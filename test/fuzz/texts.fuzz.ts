import * as fc from "fast-check";
import { stepOrder } from "../../bot/referrals/steps.js";
import {
  actionData,
  cardAction,
  channelId,
  people,
  startHarness,
  tenantId,
  type Harness,
} from "../support/harness.js";
import { addRowsFor, goodAnswers, sayRefer } from "../support/referral-walk.js";
import {
  countCase,
  expectClearAnswer,
  expectEveryDocumentValid,
  expectSafeCard,
  holds,
  hostileString,
  sendTimed,
  suiteTimeout,
  type Sent,
} from "./fuzz-support.js";

/** The inputs people type words into (not choices, dates or numbers): where hostile text goes. */
const typedWords = new Set([
  "whatHappenedOther",
  "forenames",
  "surname",
  "address",
  "parents.0.name",
  "parents.0.relationship",
  "school",
  "dslName",
  "riskAppraisal",
  "enquiries.0.outcome",
  "enquiries.1.outcome",
  "enquiries.2.outcome",
  "homeVisits.0.whoSeen",
  "name",
  "role",
  "setting",
]);

describe("hostile input, generated: whole referrals with hostile words in every typed field", function () {
  this.timeout(suiteTimeout(0.01));
  let h: Harness;
  before(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: tenantId, MESSAGES_PER_SECOND: "100000" });
  });
  after(() => h.close());

  it("walks each to its submission or a clear answer; the case's channel card shows the words literally", async () => {
    const fields = stepOrder.flatMap((step) =>
      Object.keys(goodAnswers[step]).flatMap((key) => (typedWords.has(key) ? [[step, key] as const] : [])),
    );
    const cases = fc.array(fc.tuple(fc.nat(), hostileString), { minLength: 1, maxLength: 6 });
    await holds("texts", 0.01, cases, async (words) => {
      countCase("referral walked with hostile words");
      const answers = structuredClone(goodAnswers);
      for (const [pick, text] of words) {
        const [step, key] = fields[pick % fields.length]!;
        answers[step][key] = text;
      }
      // Each run starts with no draft of its own.
      await h
        .storeContainer("drafts")
        .item(`${people.dsl.id}|school-age`, people.dsl.id)
        .delete()
        .catch(() => undefined);
      let card = await sayRefer(h, people.dsl);
      for (const [index, step] of [...stepOrder, "review" as const].entries()) {
        const inputs = step === "review" ? {} : answers[step];
        if (step !== "review") card = await addRowsFor(h, people.dsl, card, inputs);
        const verb = step === "review" ? "referral.submit" : "referral.next";
        const sent: Sent = {
          activity: cardAction(h.teams, people.dsl, "personal", verb, {
            ...actionData(card, verb),
            ...inputs,
          }),
        };
        const answer = await sendTimed(h, sent);
        expectClearAnswer(sent, answer);
        const body = answer.body as { type?: string; value?: Record<string, unknown> };
        if (body.type !== "application/vnd.microsoft.card.adaptive" || !body.value) return;
        card = body.value;
        // A step refused (words a field does not take) shows its card again: that is the answer.
        const onward = index + 1 < stepOrder.length ? `Step ${index + 2} of` : "referral.submit";
        if (step === "review" || !JSON.stringify(card).includes(onward)) return;
      }
    });
    // Every channel card posted for the cases opened is drawn literally.
    await h.app.services.outbox.deliverDue();
    for (const post of h.teams.sent.filter((each) => each.conversationId.startsWith(channelId)))
      for (const attachment of (post.body.attachments ?? []) as { content?: unknown }[])
        expectSafeCard(attachment.content, "a channel card");
    await expectEveryDocumentValid(h);
  });
});
