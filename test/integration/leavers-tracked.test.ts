import { expect } from "chai";
import { applyCaseAction, type CaseActionName } from "../../bot/cases/actions.js";
import type { Case } from "../../bot/cases/case.js";
import type { Actor } from "../../bot/shared/person.js";
import { stepOrder } from "../../bot/referrals/steps.js";
import { caseFromDraft, withFurtherReferral } from "../../bot/referrals/submission.js";
import { answerStep, startDraft } from "../../bot/referrals/wizard.js";
import {
  actionData,
  cardAction,
  cardText,
  invokeCard,
  invokeMessage,
  people,
  startHarness,
  type Harness,
} from "../support/harness.js";
import { goodAnswers } from "../support/referral-walk.js";
import { addDays, seededRandom } from "../support/cme-generator.js";
import { reportWithCsv } from "../support/csv-line.js";
import { formCaseOf } from "../support/sample-case.js";
import { listsOf } from "../../bot/pupils/findings.js";
import { caseFromExtractRow } from "../../bot/pupils/open-extract-case.js";

/** Today, for the bot: Monday 15 June 2026. */
const now = new Date("2026-06-15T11:00:00Z");
const today = "2026-06-15";
const officer: Actor = { id: people.officer.id, name: people.officer.name, roles: new Set(["officer"]) };

interface Leaver {
  readonly surname: string;
  readonly whatHappened: string;
  readonly ctf?: string;
  /** A further referral's CTF (it replaces the first referral's). */
  readonly furtherCtf?: string;
  readonly destinationLa?: string;
  readonly closed?: boolean;
}

/** The referral through the real wizard and the officer's triage through the real rules. */
function caseOf(spec: Leaver, reference: string, submitted: string): Case {
  const when = new Date(`${submitted}T09:00:00Z`);
  const answers: Record<string, Record<string, string>> = {
    ...goodAnswers,
    whatHappened: { ...goodAnswers.whatHappened, whatHappened: "other", whatHappenedOther: "Left" },
    child: { ...goodAnswers.child, surname: spec.surname },
    school: {
      ...goodAnswers.school,
      dateLastAttended: addDays(submitted, -10),
      ...(spec.ctf ? { ctf: spec.ctf } : {}),
      ...(spec.destinationLa ? { destinationLa: spec.destinationLa } : {}),
    },
    enquiries: Object.fromEntries(
      Object.entries(goodAnswers.enquiries).map(([key, value]) => [
        key,
        key.endsWith("date") ? addDays(submitted, -3) : value,
      ]),
    ),
  };
  const draftOf = (at: Date, input: Record<string, Record<string, string>>) => {
    let draft = startDraft({ id: "29:dsl", name: "Dana" }, "school-age", at, {}, undefined);
    for (const step of stepOrder) {
      const result = answerStep(draft, step, input[step] ?? {}, addDays(submitted, 0), at);
      if (!result.ok) throw new Error(`${reference} ${step}: ${JSON.stringify(result.errors)}`);
      draft = result.draft;
    }
    return draft;
  };
  // A pupil extract's leaver: the case the extract's own rules open from such a row (on the
  // "compulsory, no place" list too, which comes first).
  const pupil = {
    legalForename: "Sam",
    legalSurname: spec.surname,
    dateOfBirth: "2015-03-14",
    dateLeft: addDays(submitted, -10),
  };
  let current: Case =
    spec.whatHappened === "leavers-no-forwarding-school"
      ? caseFromExtractRow(
          { row: 2, lists: listsOf(pupil, submitted), pupil },
          { importId: "import-1", fileName: "extract.csv", importedAt: when.toISOString() },
          officer,
          reference,
          when,
        )
      : caseFromDraft(draftOf(when, answers), reference, when);
  const act = (name: CaseActionName, input: Record<string, unknown>, at: Date) => {
    const result = applyCaseAction(name, current, officer, input, {
      now: at,
      today: at.toISOString().slice(0, 10),
      signOffOutcomes: [],
    });
    if (!result.ok) throw new Error(`${reference} ${name}: ${result.reason}`);
    current = result.case;
  };
  const later = new Date(when.getTime() + 3_600_000);
  act("triage", { dfeReason: "unknown", cmeStartDate: addDays(submitted, -10) }, later);
  if (spec.furtherCtf) {
    const further = draftOf(later, { ...answers, school: { ...answers.school!, ctf: spec.furtherCtf } });
    current = withFurtherReferral(formCaseOf(current), further, later) ?? current;
  }
  if (spec.closed) act("close", { outcome: "returned" }, new Date(later.getTime() + 3_600_000));
  return current;
}

/** The leavers as this test reads the rule: open, and the latest CTF unknown or abroad, or the extract's list. */
const listed = (spec: Leaver) =>
  !spec.closed &&
  (["XXXXXXX", "MMMMMMM"].includes(spec.furtherCtf ?? spec.ctf ?? "") ||
    spec.whatHappened === "leavers-no-forwarding-school");

describe("leavers tracked (issue 14, item 6)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({}, { now: () => now });
  });
  afterEach(async () => {
    await h.close();
  });

  const store = async (specs: readonly Leaver[]) => {
    const random = seededRandom(14);
    const references: string[] = [];
    for (const [index, spec] of specs.entries()) {
      const reference = `CME-2026-${String(index + 1).padStart(5, "0")}`;
      const submitted = addDays("2026-03-02", Math.floor(random() * 60));
      await h.app.services.cases.create(caseOf(spec, reference, submitted));
      references.push(reference);
    }
    return references;
  };
  /** The leavers report asked in personal chat: its card, and the CSV's rows once the file is accepted. */
  const leavers = () => reportWithCsv(h, people.officer, "report leavers");

  const cardFor = async (reference: string) =>
    invokeCard(
      await h.send(cardAction(h.teams, people.officer, "personal", "case.refresh", { caseId: reference })),
    );
  const press = (card: Record<string, unknown>, verb: string, inputs: Record<string, unknown>) =>
    h.send(cardAction(h.teams, people.officer, "personal", verb, { ...actionData(card, verb), ...inputs }));
  /** The case card's Refer on form: its button's title and the values its inputs open with. */
  const referOnForm = (card: Record<string, unknown>) => {
    const found: { title: string; values: Record<string, unknown> }[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        const record = node as {
          type?: string;
          title?: string;
          card?: { body: { id?: string; value?: unknown }[] };
        };
        if (
          record.type === "Action.ShowCard" &&
          record.card?.body.some((input) => input.id === "referOn.service")
        )
          found.push({
            title: record.title ?? "",
            values: Object.fromEntries(
              record.card.body.flatMap((input): [string, unknown][] =>
                input.id ? [[input.id, input.value]] : [],
              ),
            ),
          });
        Object.values(record).forEach(walk);
      }
    };
    walk(card);
    expect(found).to.have.length(1);
    return found[0]!;
  };
  const s2s = (result: string, extra: Record<string, string> = {}) => ({
    "logEnquiry.type": "s2s-lost-pupil",
    "logEnquiry.date": "2026-06-12",
    "logEnquiry.contacted": "Lost Pupil Database",
    "logEnquiry.outcome": "Searched by UPN",
    "logEnquiry.s2sResult": result,
    ...extra,
  });

  it("lists open cases whose CTF went to XXXXXXX or MMMMMMM, and the extract's leavers; not a CTF to the destination school, nor a closed case", async () => {
    const specs: Leaver[] = [
      { surname: "Unknownctf", whatHappened: "other", ctf: "XXXXXXX", destinationLa: "Nottingham" },
      { surname: "Abroadctf", whatHappened: "other", ctf: "MMMMMMM" },
      { surname: "Forwarded", whatHappened: "other", ctf: "destination-school" },
      { surname: "Closedctf", whatHappened: "other", ctf: "XXXXXXX", closed: true },
      { surname: "Extractleaver", whatHappened: "leavers-no-forwarding-school" },
      // The first referral's CTF was unknown; a further referral says it went to the destination school.
      { surname: "Foundlater", whatHappened: "other", ctf: "XXXXXXX", furtherCtf: "destination-school" },
      // The first referral had none; a further referral's went to the Lost Pupil Database.
      { surname: "Laterunknown", whatHappened: "other", ctf: "not-sent", furtherCtf: "XXXXXXX" },
    ];
    const references = await store(specs);
    const expected = references.filter((_, index) => listed(specs[index]!)).sort();
    const { card, header, rows } = await leavers();
    expect(rows.map((row) => row[0]).sort()).to.deep.equal(expected);
    const cell = (reference: string, column: string) =>
      rows.find((row) => row[0] === reference)![header.indexOf(column)];
    const ref = (surname: string) => references[specs.findIndex((spec) => spec.surname === surname)]!;
    expect(cell(ref("Unknownctf"), "ctf")).to.equal(
      "Sent to the Lost Pupil Database (XXXXXXX, destination unknown)",
    );
    expect(cell(ref("Unknownctf"), "possible_destination")).to.equal("Nottingham");
    expect(cell(ref("Abroadctf"), "ctf")).to.equal("Sent as MMMMMMM (moved abroad)");
    expect(cell(ref("Laterunknown"), "ctf")).to.equal(
      "Sent to the Lost Pupil Database (XXXXXXX, destination unknown)",
    );
    expect(cell(ref("Extractleaver"), "what_happened")).to.equal("Compulsory school age, no school place");
    expect(cell(ref("Unknownctf"), "what_happened")).to.equal("Other (describe)");
    // The Teams table shows the possible destination and the last S2S search too.
    expect(cardText(card))
      .to.include("Possible destination")
      .and.include("Last S2S search")
      .and.include("Nottingham");
  });

  it("logs an S2S search with each result, refuses one without a result or a result for another enquiry, and shows the last on the card and in the report", async () => {
    const [reference] = await store([{ surname: "Searched", whatHappened: "other", ctf: "XXXXXXX" }]);
    let card = await cardFor(reference!);
    const log = async () => (await h.app.services.cases.get(reference!))!.enquiryLog;

    const refusals: [Record<string, string>, string][] = [
      [{ ...s2s(""), "logEnquiry.s2sResult": "" }, "Choose what the S2S / Lost Pupil Database search found"],
      [
        { ...s2s("not-found"), "logEnquiry.type": "council-tax" },
        "A search result is only for an S2S / Lost Pupil Database search",
      ],
      [
        s2s("found-at-school", { "logEnquiry.foundSchool": "Oak Academy" }),
        "Say the school the record is at and its local authority",
      ],
      [
        s2s("not-found", { "logEnquiry.foundLa": "Derby" }),
        "The school and its local authority are for a record found at a school",
      ],
    ];
    for (const [inputs, message] of refusals) {
      // Refused in words beside the card: the card, and what was typed in it, stay as they were.
      expect(invokeMessage(await press(card, "case.logEnquiry", inputs))).to.include(message);
    }
    expect(await log()).to.deep.equal([]);

    for (const result of ["not-possible", "not-found", "found-abroad"]) {
      card = invokeCard(await press(card, "case.logEnquiry", s2s(result)));
    }
    card = invokeCard(
      await press(
        card,
        "case.logEnquiry",
        s2s("found-at-school", { "logEnquiry.foundSchool": "Oak Academy", "logEnquiry.foundLa": "Derby" }),
      ),
    );
    expect((await log()).map((entry) => [entry.s2sResult, entry.foundSchool, entry.foundLa])).to.deep.equal([
      ["not-possible", undefined, undefined],
      ["not-found", undefined, undefined],
      ["found-abroad", undefined, undefined],
      ["found-at-school", "Oak Academy", "Derby"],
    ]);
    expect(cardText(card))
      .to.include("Last S2S search")
      .and.include("12 Jun 2026: Found: record at a school: Oak Academy (Derby)");
    const { header, rows } = await leavers();
    const row = rows.find((each) => each[0] === reference)!;
    expect([
      row[header.indexOf("last_s2s_search_date")],
      row[header.indexOf("last_s2s_search_result")],
    ]).to.deep.equal(["2026-06-12", "Found: record at a school: Oak Academy (Derby)"]);
  });

  it("offers Refer on to the LA's CME officer only when the child is believed moved there, prefilled; recording it refers the case on", async () => {
    const [plain, named, triagedMoved] = await store([
      { surname: "Nowhere", whatHappened: "other", ctf: "XXXXXXX" },
      { surname: "Named", whatHappened: "other", destinationLa: "Rutland" },
      { surname: "Dfemoved", whatHappened: "other" },
    ]);
    // Nothing says the child moved to another LA: the form is the plain Refer on.
    let card = await cardFor(plain!);
    expect(referOnForm(card).title).to.equal("Refer on…");
    expect(referOnForm(card).values["referOn.service"]).to.equal("");

    // The referral names the possible destination LA.
    expect(referOnForm(await cardFor(named!))).to.deep.include({
      title: "Refer on to Rutland's CME officer…",
    });

    // The DfE reason says believed moved to another LA (none named).
    const moved = invokeCard(
      await press(await cardFor(triagedMoved!), "case.triage", {
        "triage.dfeReason": "moved-la",
        "triage.cmeStartDate": "2026-03-01",
      }),
    );
    expect(referOnForm(moved).title).to.equal("Refer on to another LA's CME officer…");

    // The last S2S search found the record at a school in another LA.
    card = invokeCard(
      await press(
        card,
        "case.logEnquiry",
        s2s("found-at-school", { "logEnquiry.foundSchool": "Oak Academy", "logEnquiry.foundLa": "Derby" }),
      ),
    );
    const form = referOnForm(card);
    expect(form.title).to.equal("Refer on to Derby's CME officer…");
    expect(form.values["referOn.service"]).to.equal("other-la-cme");
    expect(form.values["referOn.date"]).to.equal(today);
    expect(form.values["referOn.why"]).to.include("Derby's CME officer");

    // Recording it is the refer-on action: a share, recorded whole, with who, when and why.
    invokeCard(
      await press(card, "case.referOn", {
        "referOn.service": form.values["referOn.service"],
        "referOn.date": form.values["referOn.date"],
        "referOn.why": form.values["referOn.why"],
        "referOn.shared": "referral,enquiries",
      }),
    );
    const stored = (await h.app.services.cases.get(plain!))!;
    expect(stored.referralsOn).to.have.length(1);
    expect(stored.referralsOn[0]).to.deep.include({
      service: "other-la-cme",
      date: today,
      why: form.values["referOn.why"],
      shared: ["referral", "enquiries"],
      at: now.toISOString(),
    });
    expect(stored.referralsOn[0]!.by.id).to.equal(people.officer.id);
    expect(stored.events.at(-1)).to.include({ type: "referred-on", to: "Another LA's CME officer" });
  });
});
