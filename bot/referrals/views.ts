import { formatDate, formatDateTime } from "../shared/format.js";
import type { Draft } from "./draft.js";
import {
  addressStatusChoices,
  ctfChoices,
  earlyYearsEnquiryTypeChoices,
  earlyYearsWhatHappenedChoices,
  fundedEntitlementChoices,
  deletionGroundChoices,
  enquiryTypeChoices,
  onRollChoices,
  parentsToldChoices,
  referralSourceChoices,
  riskFactorChoices,
  sexChoices,
  timeOfDayChoices,
  vulnerabilityFlagChoices,
  whatHappenedChoices,
  yearGroupChoices,
  yesNoChoices,
  yesNoUnknownChoices,
} from "./questions.js";
import { countryChoices } from "./countries.js";
import { cutTo, lengthLimitOf } from "../shared/fields.js";
import { isHighRisk, missingEnquiries, reasonIncompleteSchema } from "./readiness.js";
import { yearGroupOn } from "./school-age.js";
import { withOnRollPrefilled, type Redirect } from "./front-door.js";
import type { ReferrerContacts } from "../config.js";
import { forms, type ReferralAnswers, type ReferralForm, type ReferralKind, type StepId } from "./steps.js";
import {
  currentValues,
  formOf,
  groupSize,
  withinLimits,
  type CardValues,
  type FieldErrors,
} from "./wizard.js";
import { titleOf, titlesOf } from "../shared/choice.js";

type Choice = { readonly value: string; readonly title: string };

/** Which choices each coded field reads from (for the review's plain words). */
const choicesOf: Record<string, readonly Choice[]> = {
  stillOnRoll: yesNoChoices,
  whereaboutsKnown: yesNoChoices,
  familyInContact: yesNoChoices,
  whatHappened: whatHappenedChoices,
  immediateDanger: yesNoChoices,
  sex: sexChoices,
  addressStatus: addressStatusChoices,
  destinationCountry: countryChoices,
  yearGroup: yearGroupChoices,
  interpreterNeeded: yesNoChoices,
  parentalResponsibility: yesNoUnknownChoices,
  attending: yesNoUnknownChoices,
  onRoll: onRollChoices,
  deletionGround: deletionGroundChoices,
  ctf: ctfChoices,
  riskFactors: riskFactorChoices,
  flags: vulnerabilityFlagChoices,
  fundedEntitlement: fundedEntitlementChoices,
  healthVisitorContacted: yesNoChoices,
  referredToSocialCare: yesNoChoices,
  type: enquiryTypeChoices,
  timeOfDay: timeOfDayChoices,
  parentsTold: parentsToldChoices,
  source: referralSourceChoices,
};

/** The choices that differ between the two kinds of referral. */
export function kindChoices(kind: ReferralKind) {
  return kind === "early-years"
    ? { whatHappenedChoices: earlyYearsWhatHappenedChoices, enquiryTypeChoices: earlyYearsEnquiryTypeChoices }
    : { whatHappenedChoices, enquiryTypeChoices };
}

const labels: Record<string, string> = {
  stillOnRoll: "Still on roll (or register)",
  whereaboutsKnown: "Whereabouts known",
  familyInContact: "Family in contact",
  whatHappened: "What happened",
  whatHappenedOther: "Details",
  immediateDanger: "Immediate danger",
  forenames: "Legal forename(s)",
  surname: "Surname",
  knownAs: "Known as",
  dateOfBirth: "Date of birth",
  sex: "Sex",
  upn: "UPN",
  yearGroup: "Year group",
  ethnicity: "Ethnicity",
  firstLanguage: "First language",
  interpreterNeeded: "Interpreter needed",
  nationality: "Nationality",
  addressStatus: "Address",
  address: "Address",
  postcode: "Postcode",
  previousAddresses: "Previous address",
  parents: "Parent or carer",
  familyAddress: "Family address (if different)",
  emergencyContacts: "Emergency contact",
  siblings: "Sibling",
  school: "School",
  dateAdmitted: "Date admitted",
  dateLastAttended: "Last attended",
  dateLastSeen: "Last seen",
  attendancePattern: "Attendance pattern",
  destinationLa: "Possible destination: local authority",
  destinationCountry: "Possible destination: country",
  destinationSchool: "Possible destination: school",
  possibleDestination: "Possible destination",
  onRoll: "On roll",
  deletionDate: "Deleted on",
  deletionGround: "Deletion ground",
  ctf: "CTF",
  riskFactors: "Risk factors",
  flags: "Flags",
  socialWorker: "Social worker",
  dslName: "DSL",
  riskAppraisal: "DSL's risk appraisal",
  referredToSocialCare: "Referred to social care",
  socialCareReferralDate: "Social care referral date",
  socialCareOutcome: "Social care outcome",
  policeReference: "Police reference",
  enquiries: "Enquiry",
  homeVisits: "Home visit",
  name: "Name",
  role: "Role",
  setting: "School or setting",
  dfeNumber: "DfE number",
  phone: "Phone",
  email: "E-mail",
  parentsTold: "Parents told",
  source: "Referral from",
  ofstedUrn: "Ofsted URN",
  fundedEntitlement: "Funded entitlement",
  usualAttendance: "Usual attendance",
  healthVisitorContacted: "Health visitor contacted",
  expectedSchool: "Expected Reception school / application",
};

function readable(kind: ReferralKind, field: string, value: unknown): string {
  const { whatHappenedChoices: happened, enquiryTypeChoices: types } = kindChoices(kind);
  const choices = (
    { ...choicesOf, whatHappened: happened, type: types } as Record<string, readonly Choice[]>
  )[field];
  if (Array.isArray(value)) return titlesOf(choices ?? [], value as string[]);
  const text = String(value);
  // A value no longer among the choices (or removed by retention) is shown as stored.
  if (choices) return titleOf(choices, text) || text;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return formatDate(text);
  return text;
}

export interface StepViewOptions {
  readonly errors?: FieldErrors;
  /** What the person typed, kept when their answers did not pass. */
  readonly values?: CardValues;
  readonly notice?: string;
  readonly emergencyContacts: string;
  /** Shows only the first this many characters of each answer (when they would not fit on the card whole). */
  readonly showUpTo?: number;
}

/** The label of an input on a step's card: `field`, or `group.index.field` for a row's. */
function inputLabel(key: string): string {
  const [group, index, field] = key.split(".");
  if (field === undefined || index === undefined) return labels[key] ?? key;
  return `${labels[group ?? ""] ?? group} ${Number(index) + 1}: ${(labels[field] ?? field).toLowerCase()}`;
}

/** Tells the person which answers were cut (typed longer than allowed, or too long to show whole). */
export function cutNotice(cut: readonly string[], showUpTo?: number): string {
  if (cut.length === 0) return "";
  const which = cut.map(inputLabel).join("; ");
  return showUpTo === undefined
    ? `Some answers were longer than allowed, so only their first part is kept: ${which}. Check how they end.`
    : `Your answers are too long to show whole on one card, so only the first ${showUpTo} characters of each are shown, and pressing Next or Save for later keeps only those: ${which}.`;
}

/** The view model of a wizard step's card: values, a message per wrong field, the rows of each group. */
export function stepView(draft: Draft, step: StepId, options: StepViewOptions) {
  const form = formOf(draft);
  const { values, cut } = withinLimits(
    form,
    step,
    withOnRollPrefilled(draft, step, options.values ?? currentValues(draft, step)),
    options.showUpTo,
  );
  const errors = options.errors ?? {};
  const blank = (fields: readonly string[], from: Record<string, string>, prefix = "") =>
    Object.fromEntries(fields.map((field) => [field, from[`${prefix}${field}`] ?? ""]));
  const groups = Object.fromEntries(
    form.groups[step].map((spec) => {
      const size = groupSize(draft, step, spec);
      const items = Array.from({ length: size }, (_, index) => {
        const prefix = `${spec.name}.${index}.`;
        const rowErrors = Object.fromEntries(
          spec.fields.map((field) => [`${field}Error`, errors[`${prefix}${field}`] ?? ""]),
        );
        return {
          index: String(index),
          number: String(index + 1),
          ...blank(spec.fields, values, prefix),
          ...rowErrors,
          canRemove: size > spec.min,
        };
      });
      return [spec.name, { items, canAdd: size < spec.max, error: errors[spec.name] ?? "" }];
    }),
  );
  return {
    draftId: draft.id,
    version: draft.version,
    step,
    formTitle: form.title,
    kind: draft.kind,
    expectedEnquiries:
      draft.kind === "early-years"
        ? "calls to the parents, calls to both emergency contacts and a home visit"
        : "a first-day call, calls to all emergency contacts at different times of day, a letter to the last known address and a home visit",
    frontDoor: frontDoorWords(draft.kind),
    stepNumber: form.steps.indexOf(step) + 1,
    stepCount: form.steps.length + 1,
    notice: [options.notice, cutNotice(cut, options.showUpTo)].filter(Boolean).join(" "),
    danger: step !== "whatHappened" && draft.answers.whatHappened?.immediateDanger === "yes",
    values: blank(form.fields[step], values),
    errors: blank(form.fields[step], errors),
    groups,
    ...kindChoices(draft.kind),
    yesNoChoices,
    yesNoUnknownChoices,
    sexChoices,
    addressStatusChoices,
    countryChoices,
    yearGroupChoices,
    onRollChoices,
    deletionGroundChoices,
    ctfChoices,
    riskFactorChoices,
    vulnerabilityFlagChoices,
    timeOfDayChoices,
    parentsToldChoices,
    referralSourceChoices,
    fundedEntitlementChoices,
    emergencyContacts: options.emergencyContacts,
  };
}

/** The first card's front-door questions, worded for a school or an early-years setting. */
function frontDoorWords(kind: ReferralKind) {
  const [place, roll] = kind === "early-years" ? ["setting", "register"] : ["school", "roll"];
  return {
    stillOnRoll: `Is the child still on your ${place}'s ${roll}? (required)`,
    whereaboutsKnown: `Does the ${place} know where the child is? (required)`,
    familyInContact: `If both are yes: is the family in contact with the ${place}?`,
    hint: `A child on your ${roll} whose whereabouts you know and whose family is in touch is an attendance matter, not CME: I will say who to contact instead.`,
  };
}

const redirects: Record<Redirect, { title: string; text: string; contactTitle: string }> = {
  attendance: {
    title: "This is an attendance matter, not CME",
    text: "The child is still on the roll, you know where they are and the family is in contact with you. That is a pupil missing out on education (PME): follow your attendance procedures and contact the attendance service. No CME case has been opened.",
    contactTitle: "Attendance service",
  },
  "home-education": {
    title: "Written notice of home education: the elective home education team",
    text: "A parent's written notice that they will educate their child at home is a ground for deletion from roll (regulation 9(1)(f)), and the elective home education team takes it from there: send the notice to them. No CME case has been opened. If the parent only said so, not in writing, go back and choose that answer: that is a CME referral.",
    contactTitle: "Elective home education team",
  },
};

/** The card that sends a referrer elsewhere: why, who to contact, and the way back to their answers. */
export function redirectView(
  redirect: Redirect,
  draft: Pick<Draft, "id" | "version">,
  contact: string,
  danger: boolean,
  contacts: ReferrerContacts,
  notice = "",
) {
  return {
    ...redirects[redirect],
    contact,
    danger,
    notice,
    draftId: draft.id,
    version: draft.version,
    ...contacts,
  };
}

export function childName(answers: {
  child: { forenames: string; surname: string; knownAs?: string | undefined };
}): string {
  const { forenames, surname, knownAs } = answers.child;
  return knownAs ? `${forenames} ${surname} (known as ${knownAs})` : `${forenames} ${surname}`;
}

/** The review shows long answers shortened (Edit shows them whole), so it stays under Teams' 28 KB. */
export function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** Answers that say only what is usual, not shown: a known address is the address itself. */
const usualAnswers: Record<string, string> = { addressStatus: "known" };

/** The review's facts for one section: each answer in plain words, one line per row of a group. */
function sectionFacts(form: ReferralForm, step: StepId, answers: object | undefined, length: number) {
  const facts: { title: string; value: string }[] = [];
  for (const [field, value] of Object.entries(answers ?? {})) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    if (usualAnswers[field] === value) continue;
    const spec = form.groups[step].find((candidate) => candidate.name === field);
    if (spec) {
      (value as Record<string, unknown>[]).forEach((row, index) => {
        const parts = Object.entries(row)
          .filter(([, part]) => part !== undefined)
          .map(([key, part]) => readable(form.kind, key, part));
        facts.push({
          title: `${labels[field] ?? field} ${index + 1}`,
          value: clip(parts.join(" · "), length),
        });
      });
    } else {
      facts.push({ title: labels[field] ?? field, value: clip(readable(form.kind, field, value), length) });
    }
  }
  return facts;
}

/** A submitted referral, section by section in plain words (long answers shortened to `length`). */
export function referralSections(kind: ReferralKind, answers: Partial<ReferralAnswers>, length: number) {
  const form = forms[kind];
  return form.steps.map((step) => ({
    title: form.titles[step],
    facts: sectionFacts(form, step, answers[step], length),
  }));
}

/** A warning, not an error: the year group the school gave differs from the one the date of birth gives. */
export function yearGroupWarning(child: ReferralAnswers["child"] | undefined, today: string): string {
  if (!child || !("yearGroup" in child) || !child.yearGroup) return "";
  const derived = yearGroupOn(child.dateOfBirth, today);
  return derived === child.yearGroup
    ? ""
    : `You gave ${child.yearGroup}, but a child born ${formatDate(child.dateOfBirth)} is in ${derived} this school year. Check the date of birth or the year group (it may be right if the child is out of year group).`;
}

export function reviewView(
  draft: Draft,
  today: string,
  options: {
    notice?: string;
    reasonError?: string;
    reasonIncomplete?: string;
    /** How many characters of each answer are shown (Edit shows them whole). */
    answerLength?: number;
  } = {},
) {
  const form = formOf(draft);
  const missing = missingEnquiries(draft.kind, draft.answers.enquiries);
  return {
    formTitle: form.title,
    stepCount: form.steps.length + 1,
    draftId: draft.id,
    version: draft.version,
    notice: options.notice ?? "",
    urgent: isHighRisk(draft.answers),
    yearGroupWarning: yearGroupWarning(draft.answers.child, today),
    sections: form.steps.map((step) => ({
      step,
      title: form.titles[step],
      facts: sectionFacts(form, step, draft.answers[step], options.answerLength ?? 160),
      draftId: draft.id,
      version: draft.version,
    })),
    incomplete: missing.length > 0,
    missing,
    reasonIncomplete: cutTo(
      options.reasonIncomplete ?? draft.typed.review?.reasonIncomplete ?? "",
      lengthLimitOf(reasonIncompleteSchema),
    ),
    reasonError: options.reasonError ?? "",
  };
}

export function submittedView(
  reference: string,
  answers: ReferralAnswers,
  submittedAt: string,
  contacts: ReferrerContacts,
) {
  return {
    reference,
    childName: childName(answers),
    urgent: isHighRisk(answers),
    submittedAt: formatDateTime(submittedAt),
    ...contacts,
  };
}
