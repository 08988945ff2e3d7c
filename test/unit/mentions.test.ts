import { expect } from "chai";
import { mentionedPeople, whoIsMentioned } from "../../bot/outbox/mentions.js";
import { outboxItemSchema } from "../../bot/outbox/outbox-item.js";

const delivery = { state: "pending", attempts: 0, revision: 1, nextAttemptAt: "", createdAt: "" };
const escalation = (notify: "owner" | "managers" | "referrer") =>
  outboxItemSchema.parse({
    ...delivery,
    id: "channel-card|escalation|x",
    kind: "escalation",
    caseId: "CME-2026-00001",
    template: "escalation",
    data: { title: "t", expects: "e", level: 1, dueSince: "d", notify },
  });

describe("who a channel card @mentions", () => {
  const owner = { id: "29:officer", name: "Olu" };
  const managers = [
    { id: "29:manager", name: "Mo" },
    { id: "29:officer", name: "Olu" },
  ];

  it("mentions the owner of an escalation to the owner, and the managers when nobody owns the case", () => {
    expect(whoIsMentioned(escalation("owner"), true)).to.deep.equal({ owner: true, managers: false });
    expect(whoIsMentioned(escalation("owner"), false)).to.deep.equal({ owner: true, managers: true });
    expect(whoIsMentioned(escalation("managers"), true)).to.deep.equal({ owner: true, managers: true });
  });

  it("mentions the managers for urgent cases, and nobody on the case's own card", () => {
    const urgent = outboxItemSchema.parse({
      ...delivery,
      id: "channel-card|urgent-on-arrival|CME-2026-00001",
      kind: "urgent",
      caseId: "CME-2026-00001",
      template: "escalation-urgent",
    });
    const card = outboxItemSchema.parse({ ...delivery, id: "case-card|C", kind: "case-card", caseId: "C" });
    expect(whoIsMentioned(urgent, true)).to.deep.equal({ owner: false, managers: true });
    expect(whoIsMentioned(card, true)).to.deep.equal({ owner: false, managers: false });
  });

  it("lists the owner first and a manager who owns the case once", () => {
    expect(mentionedPeople({ owner: true, managers: true }, owner, managers)).to.deep.equal([
      owner,
      managers[0],
    ]);
    expect(mentionedPeople({ owner: false, managers: true }, owner, managers)).to.deep.equal([managers[0]]);
  });
});
