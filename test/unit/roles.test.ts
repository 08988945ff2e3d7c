import { expect } from "chai";
import type { Actor, Role } from "../../bot/shared/person.js";
import { canWorkCases, mayRecordOnBehalf } from "../../bot/people/roles.js";

function actorWith(...roles: Role[]): Actor {
  return { id: "29:someone", name: "Someone", roles: new Set(roles) };
}

describe("role rules", () => {
  const referrer = actorWith();
  const officer = actorWith("officer");
  const manager = actorWith("manager");

  it("the CME team's work is for officers and managers", () => {
    expect([referrer, officer, manager].map(canWorkCases)).to.deep.equal([false, true, true]);
  });

  const onBehalf: [source: unknown, referrer: boolean, officer: boolean, manager: boolean][] = [
    [undefined, true, true, true],
    ["", true, true, true],
    ["school-or-setting", true, true, true],
    ["agency", false, true, true],
    ["public", false, true, true],
    ["another-council", false, true, true],
  ];
  for (const [source, byReferrer, byOfficer, byManager] of onBehalf) {
    it(`a referral from '${String(source)}' is recorded by ${[byReferrer && "anyone", byOfficer && "officers", byManager && "managers"].filter(Boolean).join(", ")}`, () => {
      expect([referrer, officer, manager].map((actor) => mayRecordOnBehalf(actor, source))).to.deep.equal([
        byReferrer,
        byOfficer,
        byManager,
      ]);
    });
  }
});
