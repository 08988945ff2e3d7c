/**
 * A mocha root hook: after every test has run, no line the bot logged may hold a child's or a
 * family's details from the referrals the tests make (names, date of birth, address, phone).
 */
import { everyLogLine } from "./harness.js";
import { goodAnswers, goodEarlyYearsAnswers } from "./referral-walk.js";

const personal = [
  goodAnswers.child.forenames,
  goodAnswers.child.surname,
  goodAnswers.child.dateOfBirth,
  goodAnswers.child.address,
  goodAnswers.family["parents.0.name"],
  goodAnswers.family["parents.0.phone"],
  goodEarlyYearsAnswers.child.forenames,
  goodEarlyYearsAnswers.child.dateOfBirth,
  "LE18 4AB",
].filter((value): value is string => Boolean(value));

export const mochaHooks = {
  afterAll(): void {
    if (everyLogLine.length === 0) return; // a run of unit tests only
    const leaks = everyLogLine.filter((line) => personal.some((value) => line.includes(value)));
    if (leaks.length > 0) {
      throw new Error(`${leaks.length} log lines hold personal data, e.g. ${leaks[0]?.slice(0, 300)}`);
    }
    console.log(`  log audit: ${everyLogLine.length} lines logged, none with a child's or family's details`);
  },
};
