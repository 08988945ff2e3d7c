/**
 * `npm run bench`: the project's turns against a bare bot (scripts/bench/turns.ts), then
 * whole referrals, case actions and managers' commands at size (scripts/bench/scale.ts).
 * BENCH=turns or BENCH=scale runs one of them. Prints figures; asserts nothing.
 */
const which = process.env.BENCH ?? "turns,scale";
if (which.includes("turns")) await import("./bench/turns.js");
if (which.includes("scale")) await import("./bench/scale.js");
if (which.includes("extract")) await import("./bench/extract.js");
