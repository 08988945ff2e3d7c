import { expect } from "chai";
import { cardText, people, startHarness, type Harness } from "../support/harness.js";
import { FakeGraph } from "../support/fake-graph.js";
import { goodAnswers, next, sayRefer } from "../support/referral-walk.js";
import { stepOrder } from "../../bot/referrals/steps.js";

describe("prefilling the referrer from Microsoft Graph", () => {
  let graph: FakeGraph;
  let h: Harness;
  beforeEach(async () => {
    graph = new FakeGraph({
      [people.dsl.aadObjectId]: {
        displayName: "Dana Example (DSL)",
        mail: "dana.dsl@example-primary.example",
        jobTitle: "Designated safeguarding lead",
        businessPhones: ["0116 496 0123"],
        companyName: "Example Primary School",
      },
    });
    await graph.start();
    h = await startHarness(graph.environment);
  });
  afterEach(async () => {
    await h.close();
    await graph.stop();
  });

  /** Walks to a step's card with good answers, returning it. */
  async function cardFor(step: (typeof stepOrder)[number]) {
    let card = await sayRefer(h, people.dsl);
    for (const earlier of stepOrder.slice(0, stepOrder.indexOf(step)))
      card = await next(h, people.dsl, card, goodAnswers[earlier]);
    return card;
  }

  it("fills name, e-mail, job title, phone and school from /users/{id}, app-only, in the person's tenant", async () => {
    const about = cardText(await cardFor("referrer"));
    expect(about).to.include('"value":"Dana Example (DSL)"');
    expect(about).to.include('"value":"dana.dsl@example-primary.example"');
    expect(about).to.include('"value":"Designated safeguarding lead"');
    expect(about).to.include('"value":"0116 496 0123"');
    expect(about).to.include('"value":"Example Primary School"');
    const userCall = graph.requests.find((r) => r.path === `/v1.0/users/${people.dsl.aadObjectId}`);
    expect(userCall?.token).to.deep.equal({ tenant: "tenant-leicestershire", clientId: "graph-client" });
  });

  it("prefills the school step too, and the person can change it", async () => {
    const school = await cardFor("school");
    expect(cardText(school)).to.include('"value":"Example Primary School"');
    const next2 = await next(h, people.dsl, school, { ...goodAnswers.school, school: "Another School" });
    expect(cardText(next2)).to.include("Step 5 of 8");
    const draft = await h.app.services.drafts.get(people.dsl.id, `${people.dsl.id}|school-age`);
    expect(draft?.answers.school?.school).to.equal("Another School");
  });

  it("falls back quietly to the Teams member record when Graph fails, and logs it", async () => {
    graph.failWith = 503;
    const about = cardText(await cardFor("referrer"));
    expect(about).to.include(`"value":"${people.dsl.name}"`);
    expect(about).to.include(`"value":"${people.dsl.userPrincipalName}"`);
    expect(h.logLines.some((line) => line.includes("graph.profile.failed"))).to.equal(true);
    expect(h.logLines.join("\n")).not.to.include("Testchild");
  });
});
