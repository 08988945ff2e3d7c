import { expect } from "chai";
import { draftHousekeeping } from "../../bot/referrals/expiry.js";
import { startDraft } from "../../bot/referrals/wizard.js";

const policy = { expiryDays: 30, reminderDaysBefore: 7 };
const draft = { ...startDraft({ id: "29:a", name: "A" }, "school-age", new Date("2026-11-01T09:00:00Z")) };
const at = (iso: string) => new Date(iso);

describe("draft expiry", () => {
  it("does nothing while a draft is fresh", () => {
    expect(draftHousekeeping(draft, policy, at("2026-11-24T08:59:59Z"))).to.equal("none");
  });

  it("reminds from seven days before expiry, once for the draft as it stands", () => {
    expect(draftHousekeeping(draft, policy, at("2026-11-24T09:00:00Z"))).to.equal("remind");
    const reminded = { ...draft, remindedAt: "2026-11-24T09:00:00.000Z" };
    expect(draftHousekeeping(reminded, policy, at("2026-11-25T09:00:00Z"))).to.equal("none");
    // A change after the reminder starts the clock again, and earns a reminder of its own.
    const changed = { ...reminded, updatedAt: "2026-11-26T09:00:00.000Z" };
    expect(draftHousekeeping(changed, policy, at("2026-11-27T09:00:00Z"))).to.equal("none");
    expect(draftHousekeeping(changed, policy, at("2026-12-19T09:00:00Z"))).to.equal("remind");
  });

  it("expires an untouched draft after thirty days, and drops a submitted one quietly", () => {
    expect(draftHousekeeping(draft, policy, at("2026-12-01T09:00:00Z"))).to.equal("expire");
    const submitted = { ...draft, submittedAt: "2026-11-01T10:00:00.000Z" };
    expect(draftHousekeeping(submitted, policy, at("2026-11-20T09:00:00Z"))).to.equal("none");
    expect(draftHousekeeping(submitted, policy, at("2026-12-01T09:00:00Z"))).to.equal("expire-quietly");
  });
});
