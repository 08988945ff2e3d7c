import { expect } from "chai";
import {
  actionData,
  cardAction,
  cardText,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
} from "../support/harness.js";
import { goodAnswers, next, sayRefer, submitAction, walkToReview } from "../support/referral-walk.js";
import { countOnce, firstReference, newCaseCards } from "./exactly-once.js";
import { record } from "./figures.js";
import { startCosmosProcess, type CosmosProcess } from "./processes.js";

const fault = "Cosmos process paused (SIGSTOP/SIGCONT)";
const notSavedYet =
  "Not saved yet: the case store is not answering. What you typed is kept here: try again in a minute.";

describe("faults: the Cosmos emulator's process paused mid-referral, then resumed", function () {
  this.timeout(90_000);
  let cosmos: CosmosProcess;
  let h: Harness;
  const dsl = people.dsl;

  beforeEach(async () => {
    cosmos = await startCosmosProcess();
    h = await startHarness({
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      STORE_DEADLINE_MS: "1500",
    });
  });
  afterEach(async () => {
    cosmos.resume();
    await h.close();
    await cosmos.stop();
  });

  const pause = () => {
    cosmos.pause();
    record(fault, { injected: 1 });
  };
  const lastChatReply = () => JSON.stringify(h.teams.replies(personalConversationId(dsl)).at(-1)?.body ?? {});

  /** Submits from the review card, and again (a second press): one case, one card on the channel. */
  async function submitsOnce(review: Record<string, unknown>) {
    const submitted = invokeCard(await h.send(submitAction(h, dsl, review)));
    expect(cardText(submitted)).to.include(firstReference);
    expect(invokeMessage(await h.send(submitAction(h, dsl, review)))).to.include("already submitted");
    await h.app.services.outbox.idle();
    expect((await h.app.services.cases.counts()).byStatus.new).to.equal(1);
    expect(countOnce(fault, newCaseCards(h.teams).length)).to.equal(1);
  }

  it("on a step's Next: the person is told, sees what they typed, and the referral then goes once", async () => {
    const child = await next(h, dsl, await sayRefer(h, dsl), goodAnswers.whatHappened);
    pause();
    const pressNext = cardAction(h.teams, dsl, "personal", "referral.next", {
      ...actionData(child, "referral.next"),
      ...goodAnswers.child,
    });
    const again = invokeCard(await h.send(pressNext));
    expect(cardText(again)).to.include(notSavedYet);
    expect(cardText(again)).to.include("Step 2 of 8");
    for (const typed of [goodAnswers.child.forenames, goodAnswers.child.surname, goodAnswers.child.address])
      expect(cardText(again)).to.include(typed);
    expect((await h.send(personalMessage(h.teams, dsl, "resume"))).status).to.equal(200);
    expect(lastChatReply()).to.include("the case store is not answering");

    // Cosmos carries on: the writes it was sent while stopped land now, late, and are read as not applied.
    cosmos.resume();
    let step = invokeCard(
      await h.send(
        cardAction(h.teams, dsl, "personal", "referral.next", {
          ...actionData(again, "referral.next"),
          ...goodAnswers.child,
        }),
      ),
    );
    expect(cardText(step)).to.include("Step 3 of 8");
    for (const id of ["family", "school", "vulnerability", "enquiries", "referrer"] as const)
      step = await next(h, dsl, step, goodAnswers[id]);
    const draft = await h.app.services.drafts.get(dsl.id, `${dsl.id}|school-age`);
    expect(draft?.answers.child).to.include({
      forenames: goodAnswers.child.forenames,
      address: goodAnswers.child.address,
    });
    await submitsOnce(step);
  });

  it("on Submit: the person is told it was not sent and keeps the review; pressed again once Cosmos answers, it goes once", async () => {
    const review = await walkToReview(h, dsl);
    pause();
    const answer = await h.send(submitAction(h, dsl, review));
    expect(answer.status).to.equal(200);
    expect(JSON.stringify(answer.body)).to.include("the case store is not answering");
    cosmos.resume();
    await submitsOnce(review);
  });
});
