import { z } from "zod";
import {
  choice,
  dfeNumber,
  email,
  ofstedUrn,
  isoDate,
  lengthLimitOf,
  multiChoice,
  onceValid,
  optionalChoice,
  optionalDate,
  optionalEmail,
  optionalPostcode,
  optionalText,
  phoneNumber,
  phoneOrNotKnown,
  refuse,
  text,
  upn,
} from "../shared/fields.js";
import { countryChoices } from "./countries.js";
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
import { compulsorySchoolAgeStarts, schoolAgeStanding } from "./school-age.js";
import { valuesOf } from "../shared/choice.js";

export const referralKinds = ["school-age", "early-years"] as const;
export type ReferralKind = (typeof referralKinds)[number];

type Choices = readonly [{ value: string; title: string }, ...{ value: string; title: string }[]];

/**
 * The two referral forms, school-age (A) and early-years (B), as wizards: a few questions per card, each
 * card with its own schema over the strings an Adaptive Card submits, and a context for rules
 * that depend on other answers or on today's date. Repeatable groups (parents, contacts …)
 * arrive as inputs named `group.index.field` and are parsed as arrays.
 */

export interface StepContext {
  /** Today's date in the UK, YYYY-MM-DD. */
  readonly today: string;
  /** Answers already given on other steps. */
  readonly answers: Partial<ReferralAnswers>;
}

const groupLimits = new Map<z.ZodType, { min: number; max: number }>();

function group<Shape extends z.ZodRawShape>(shape: Shape, min: number, max: number, what: string) {
  const schema = z.array(z.object(shape)).min(min, `Add at least one ${what}`).max(max, `Add at most ${max}`);
  groupLimits.set(schema, { min, max });
  return schema;
}

// 1. What happened, after the front door: on roll, whereabouts known, family in contact
/**
 * The front-door answers are optional as stored (drafts and cases from before they were asked
 * have none) and required on the card; `place` is "school" or "setting" for the messages.
 */
function whatHappenedStep<const T extends Choices>(choices: T, place: string, roll: string) {
  const fields = z.object({
    stillOnRoll: optionalChoice(yesNoChoices),
    whereaboutsKnown: optionalChoice(yesNoChoices),
    familyInContact: optionalChoice(yesNoChoices),
    whatHappened: choice(choices, "Choose what happened"),
    whatHappenedOther: optionalText(500),
    immediateDanger: choice(yesNoChoices, "Say whether the child is in immediate danger"),
  });
  const schema = fields
    .superRefine(
      (value, ctx) => {
        if (value.whatHappened === "other" && !value.whatHappenedOther) {
          refuse(ctx, "whatHappenedOther", "Describe what happened");
        }
      },
      onceValid(fields, ["whatHappened", "whatHappenedOther"]),
    )
    .superRefine(
      (value, ctx) => {
        if (!value.stillOnRoll) refuse(ctx, "stillOnRoll", `Say whether the child is still on the ${roll}`);
        if (!value.whereaboutsKnown)
          refuse(ctx, "whereaboutsKnown", `Say whether the ${place} knows where the child is`);
        if (value.stillOnRoll === "yes" && value.whereaboutsKnown === "yes" && !value.familyInContact) {
          refuse(ctx, "familyInContact", `Say whether the family is in contact with the ${place}`);
        }
      },
      onceValid(fields, ["stillOnRoll", "whereaboutsKnown", "familyInContact"]),
    );
  return { fields, schema: () => schema };
}

// 2. The child
const previousAddress = { address: text("previous address", 300) };

const childCommon = {
  forenames: text("child's legal forename(s)"),
  surname: text("child's surname"),
  knownAs: optionalText(100),
  dateOfBirth: isoDate("child's date of birth"),
  sex: choice(sexChoices, "Choose the child's sex"),
  ethnicity: optionalText(100),
  firstLanguage: optionalText(100),
  interpreterNeeded: optionalChoice(yesNoChoices),
  nationality: optionalText(100),
  addressStatus: optionalChoice(addressStatusChoices),
  address: optionalText(300),
  postcode: optionalPostcode,
  previousAddresses: group(previousAddress, 0, 5, "previous address"),
};

type AddressAnswers = { addressStatus?: string | undefined; address?: string; postcode?: string };

/**
 * A known address (the usual, and what older answers without `addressStatus` had) needs the address
 * and its postcode; a family with no fixed abode, or whose address is not known, is referred without.
 */
function addressRule(value: AddressAnswers, ctx: z.RefinementCtx) {
  if (value.addressStatus !== undefined && value.addressStatus !== "known") return;
  if (!value.address)
    refuse(ctx, "address", "Enter the child's current address, or choose no fixed abode or not known");
  if (!value.postcode) refuse(ctx, "postcode", "Enter the postcode, or choose no fixed abode or not known");
}

/** A school-age referral is for a child of compulsory school age; an early-years one for a younger child. */
function childStep<Fields extends z.ZodObject>(kind: ReferralKind, fields: Fields) {
  const schema = (context: StepContext) =>
    fields
      .superRefine(
        (value, ctx) => {
          const { dateOfBirth } = value as { dateOfBirth: string };
          if (dateOfBirth > context.today) {
            refuse(ctx, "dateOfBirth", "The date of birth is in the future");
            return;
          }
          const standing = schoolAgeStanding(dateOfBirth, context.today);
          if (standing === "over") {
            refuse(
              ctx,
              "dateOfBirth",
              "This child is over compulsory school age, so this is not a CME referral (post-16 tracking applies).",
            );
          } else if (kind === "school-age" && standing === "under") {
            refuse(
              ctx,
              "dateOfBirth",
              `This child is under compulsory school age until ${compulsorySchoolAgeStarts(dateOfBirth)}. Make an early-years referral instead (say 'refer early years').`,
            );
          } else if (kind === "early-years" && standing === "compulsory") {
            refuse(
              ctx,
              "dateOfBirth",
              "This child is of compulsory school age. Make a school-age referral instead (say 'refer school').",
            );
          }
        },
        onceValid(fields as unknown as z.ZodObject<typeof childCommon>, ["dateOfBirth"]),
      )
      .superRefine(
        (value, ctx) => addressRule(value, ctx),
        onceValid(fields as unknown as z.ZodObject<typeof childCommon>, ["addressStatus"]),
      );
  return { fields, schema };
}

// 3. Family
const parent = {
  name: text("parent or carer's name"),
  relationship: text("relationship to the child", 50),
  parentalResponsibility: optionalChoice(yesNoUnknownChoices),
  phone: phoneOrNotKnown("parent or carer's phone number"),
  email: optionalEmail,
};
const emergencyContact = {
  name: text("contact's name"),
  relationship: optionalText(50),
  phone: phoneOrNotKnown("contact's phone number"),
};
const sibling = {
  name: text("sibling's name"),
  dateOfBirth: optionalDate("sibling's date of birth"),
  schoolOrSetting: optionalText(200),
  attending: optionalChoice(yesNoUnknownChoices),
};

const familyFields = z.object({
  parents: group(parent, 1, 4, "parent or carer"),
  familyAddress: optionalText(300),
  emergencyContacts: group(emergencyContact, 0, 4, "emergency contact"),
  siblings: group(sibling, 0, 8, "sibling"),
});

// 4. School (or setting) and absence. Both name the place `school` and keep `dateLastAttended`.
function lastAttendedRule<T extends { dateLastAttended: string }>(
  context: StepContext,
  value: T,
  ctx: z.RefinementCtx,
) {
  if (value.dateLastAttended > context.today) {
    refuse(ctx, "dateLastAttended", "The date last attended is in the future");
  }
  const dateOfBirth = context.answers.child?.dateOfBirth;
  if (dateOfBirth && value.dateLastAttended < dateOfBirth) {
    refuse(ctx, "dateLastAttended", "The date last attended is before the child's date of birth");
  }
}

const schoolFields = z.object({
  school: text("school's name", 200),
  dateAdmitted: optionalDate("date admitted"),
  dateLastAttended: isoDate("date the child last attended"),
  dateLastSeen: optionalDate("date last seen"),
  attendancePattern: optionalText(1000),
  /**
   * Where the child may have gone: a local authority in England, a country (ISO 3166-1 alpha-2), a
   * school. Any two-letter code as stored (a code the package drops later must not stop a case
   * parsing); the card offers, and takes, only the package's current countries.
   */
  destinationLa: optionalText(100),
  destinationCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, "Choose one of the options")
    .optional(),
  destinationSchool: optionalText(200),
  /** One line of text, as referrals asked before the fields above: older drafts and cases keep it. */
  possibleDestination: optionalText(300),
  onRoll: choice(onRollChoices, "Say whether the child is still on roll"),
  deletionDate: optionalDate("date of deletion"),
  deletionGround: optionalChoice(deletionGroundChoices),
  ctf: optionalChoice(ctfChoices),
});

const schoolSchema = (context: StepContext) =>
  schoolFields
    .superRefine(
      (value, ctx) => lastAttendedRule(context, value, ctx),
      onceValid(schoolFields, ["dateLastAttended"]),
    )
    .superRefine(
      (value, ctx) => {
        if (value.onRoll !== "deleted") return;
        if (!value.deletionDate)
          refuse(ctx, "deletionDate", "Enter the date the child was deleted from roll");
        if (!value.deletionGround)
          refuse(ctx, "deletionGround", "Choose the regulation 9 ground for the deletion");
      },
      onceValid(schoolFields, ["onRoll", "deletionDate", "deletionGround"]),
    )
    .superRefine(
      (value, ctx) => {
        // Asked first on the What happened card: the two answers must agree.
        const stillOnRoll = context.answers.whatHappened?.stillOnRoll;
        if (stillOnRoll === "yes" && value.onRoll === "deleted") {
          refuse(
            ctx,
            "onRoll",
            "On the first card you said the child is still on the school's roll: choose 'Still on roll', or go back and change that answer",
          );
        } else if (stillOnRoll === "no" && value.onRoll === "on-roll") {
          refuse(
            ctx,
            "onRoll",
            "On the first card you said the child is no longer on the school's roll: choose 'Deleted from roll', or go back and change that answer",
          );
        }
      },
      onceValid(schoolFields, ["onRoll"]),
    )
    .superRefine(
      (value, ctx) => {
        const country = value.destinationCountry;
        if (country && !countryChoices.some((each) => each.value === country))
          refuse(ctx, "destinationCountry", "Choose one of the options");
      },
      onceValid(schoolFields, ["destinationCountry"]),
    );

const settingFields = z.object({
  school: text("setting's name", 200),
  ofstedUrn,
  fundedEntitlement: optionalChoice(fundedEntitlementChoices),
  usualAttendance: optionalText(500),
  dateLastAttended: isoDate("date the child last attended"),
  healthVisitorContacted: optionalChoice(yesNoChoices),
  expectedSchool: optionalText(300),
});

const settingSchema = (context: StepContext) =>
  settingFields.superRefine(
    (value, ctx) => lastAttendedRule(context, value, ctx),
    onceValid(settingFields, ["dateLastAttended"]),
  );

// 5. Vulnerability
const vulnerabilityFields = z.object({
  riskFactors: multiChoice(riskFactorChoices),
  flags: multiChoice(vulnerabilityFlagChoices),
  socialWorker: optionalText(200),
  dslName: text("designated safeguarding lead's name"),
  riskAppraisal: text("designated safeguarding lead's risk appraisal", 2000),
  referredToSocialCare: optionalChoice(yesNoChoices),
  socialCareReferralDate: optionalDate("date of the social care referral"),
  socialCareOutcome: optionalText(500),
  policeReference: optionalText(50),
});

// 6. Enquiries already made
const homeVisit = {
  date: isoDate("date of the home visit"),
  timeOfDay: optionalChoice(timeOfDayChoices),
  whoSeen: optionalText(200),
  relationship: optionalText(50),
};

function enquiriesStep<const T extends Choices>(types: T) {
  const enquiry = {
    type: choice(types, "Choose what kind of enquiry this was"),
    date: isoDate("date of the enquiry"),
    outcome: text("outcome of the enquiry", 300),
  };
  const fields = z.object({
    // Ten rows keep the card under Teams' 28 KB (each row repeats the list of kinds).
    enquiries: group(enquiry, 0, 10, "enquiry"),
    homeVisits: group(homeVisit, 0, 5, "home visit"),
  });
  /** Rows can be dated in the past only; checked even while other parts of a row are wrong. */
  const schema = (context: StepContext) =>
    fields.superRefine(
      (value, ctx) => {
        for (const name of ["enquiries", "homeVisits"] as const) {
          (value[name] as { date?: unknown }[] | undefined)?.forEach((row, index) => {
            if (typeof row.date === "string" && row.date > context.today) {
              refuse(ctx, [name, index, "date"], "This date is in the future");
            }
          });
        }
      },
      { when: () => true },
    );
  return { fields, schema };
}

// 7. Referrer
const referrerCommon = {
  source: z
    .enum(valuesOf(referralSourceChoices), { error: "Choose who the referral comes from" })
    .default("school-or-setting"),
  name: text("your name"),
  role: text("your role", 100),
  setting: text("school or setting's name", 200),
  phone: phoneNumber("your phone number"),
  email: email("your e-mail address"),
  parentsTold: choice(parentsToldChoices, "Say whether the parents have been told of this referral"),
};

/** A school's DfE number is needed when a school refers; an agency or the public have none. */
const schoolAgeReferrerSchema = () =>
  schoolAge.referrer.superRefine(
    (value, ctx) => {
      if (value.source === "school-or-setting" && !value.dfeNumber) {
        refuse(ctx, "dfeNumber", "Enter the school's DfE number");
      }
    },
    { when: () => true },
  );

// The two forms
const schoolAge = {
  whatHappened: whatHappenedStep(whatHappenedChoices, "school", "school's roll"),
  child: childStep(
    "school-age",
    z.object({ ...childCommon, upn, yearGroup: optionalChoice(yearGroupChoices) }),
  ),
  enquiries: enquiriesStep(enquiryTypeChoices),
  referrer: z.object({ ...referrerCommon, dfeNumber: dfeNumber.optional() }),
};

const earlyYears = {
  whatHappened: whatHappenedStep(earlyYearsWhatHappenedChoices, "setting", "setting's register"),
  child: childStep("early-years", z.object(childCommon)),
  enquiries: enquiriesStep(earlyYearsEnquiryTypeChoices),
  referrer: z.object(referrerCommon),
};

/** The answers of a whole school-age referral, as stored on the case. */
export const schoolAgeAnswersSchema = z.object({
  whatHappened: schoolAge.whatHappened.fields,
  child: schoolAge.child.fields,
  family: familyFields,
  school: schoolFields,
  vulnerability: vulnerabilityFields,
  enquiries: schoolAge.enquiries.fields,
  referrer: schoolAge.referrer,
});

/** The answers of a whole early-years referral, as stored on the case. */
export const earlyYearsAnswersSchema = z.object({
  whatHappened: earlyYears.whatHappened.fields,
  child: earlyYears.child.fields,
  family: familyFields,
  school: settingFields,
  vulnerability: vulnerabilityFields,
  enquiries: earlyYears.enquiries.fields,
  referrer: earlyYears.referrer,
});

export type SchoolAgeAnswers = z.output<typeof schoolAgeAnswersSchema>;
export type EarlyYearsAnswers = z.output<typeof earlyYearsAnswersSchema>;
export type ReferralAnswers = SchoolAgeAnswers | EarlyYearsAnswers;

/** The steps both forms share (their keys of the answers are the same). */
export type StepId = keyof ReferralAnswers;

export const stepOrder: readonly StepId[] = [
  "whatHappened",
  "child",
  "family",
  "school",
  "vulnerability",
  "enquiries",
  "referrer",
];

export interface GroupSpec {
  readonly name: string;
  readonly fields: readonly string[];
  readonly min: number;
  readonly max: number;
}

/** Everything the wizard needs to know about one kind of referral. */
export interface ReferralForm {
  readonly kind: ReferralKind;
  readonly title: string;
  readonly steps: readonly StepId[];
  readonly titles: Record<StepId, string>;
  readonly schemas: Record<StepId, (context: StepContext) => z.ZodType>;
  /** The plain (not grouped) input ids on each step's card. */
  readonly fields: Record<StepId, readonly string[]>;
  /** The repeatable groups on each step's card. */
  readonly groups: Record<StepId, readonly GroupSpec[]>;
  /** Card template names, one file per card in cards/. */
  readonly cards: Record<StepId, string>;
  /** The most characters each input may hold, by field (`group.field` for a row's). */
  readonly lengthLimits: Record<StepId, Readonly<Record<string, number>>>;
  readonly answers: z.ZodType<ReferralAnswers>;
}

/** The inputs of one row of each repeatable group. */
const groupRowFields: Record<string, readonly string[]> = {
  previousAddresses: Object.keys(previousAddress),
  parents: Object.keys(parent),
  emergencyContacts: Object.keys(emergencyContact),
  siblings: Object.keys(sibling),
  enquiries: ["type", "date", "outcome"],
  homeVisits: Object.keys(homeVisit),
};

function groupSpec(name: string, schema: z.ZodType): GroupSpec {
  const limits = groupLimits.get(schema) ?? { min: 0, max: 10 };
  return { name, fields: groupRowFields[name] ?? [], ...limits };
}

function perStep<T>(make: (step: StepId) => T): Record<StepId, T> {
  return Object.fromEntries(stepOrder.map((step) => [step, make(step)])) as unknown as Record<StepId, T>;
}

function form(
  kind: ReferralKind,
  title: string,
  answers: z.ZodObject,
  schemas: Record<StepId, (context: StepContext) => z.ZodType>,
  titles: Record<StepId, string>,
  cards: Record<StepId, string>,
): ReferralForm {
  const shapes = perStep((step) => (answers.shape[step] as z.ZodObject).shape);
  return {
    kind,
    title,
    steps: stepOrder,
    titles,
    schemas,
    fields: perStep((step) => Object.keys(shapes[step]).filter((name) => !(name in groupRowFields))),
    groups: perStep((step) =>
      Object.entries(shapes[step])
        .filter(([name]) => name in groupRowFields)
        .map(([name, schema]) => groupSpec(name, schema as z.ZodType)),
    ),
    cards,
    lengthLimits: perStep((step) =>
      Object.fromEntries(
        Object.entries(shapes[step]).flatMap(([name, schema]) =>
          name in groupRowFields
            ? Object.entries((schema as z.ZodArray<z.ZodObject>).element.shape).map(
                ([field, fieldSchema]) => [`${name}.${field}`, lengthLimitOf(fieldSchema as z.ZodType)],
              )
            : [[name, lengthLimitOf(schema as z.ZodType)]],
        ),
      ),
    ),
    answers: answers as unknown as z.ZodType<ReferralAnswers>,
  };
}

const commonTitles = {
  whatHappened: "What happened",
  child: "The child",
  family: "Family",
  vulnerability: "Vulnerability",
  enquiries: "Enquiries already made",
  referrer: "About you",
};

export const forms: Record<ReferralKind, ReferralForm> = {
  "school-age": form(
    "school-age",
    "School-age CME referral",
    schoolAgeAnswersSchema,
    {
      whatHappened: schoolAge.whatHappened.schema,
      child: schoolAge.child.schema,
      family: () => familyFields,
      school: schoolSchema,
      vulnerability: () => vulnerabilityFields,
      enquiries: schoolAge.enquiries.schema,
      referrer: schoolAgeReferrerSchema,
    },
    { ...commonTitles, school: "School and absence" },
    {
      whatHappened: "referral-step-what-happened",
      child: "referral-step-child",
      family: "referral-step-family",
      school: "referral-step-school",
      vulnerability: "referral-step-vulnerability",
      enquiries: "referral-step-enquiries",
      referrer: "referral-step-referrer",
    },
  ),
  "early-years": form(
    "early-years",
    "Early-years CME referral",
    earlyYearsAnswersSchema,
    {
      whatHappened: earlyYears.whatHappened.schema,
      child: earlyYears.child.schema,
      family: () => familyFields,
      school: settingSchema,
      vulnerability: () => vulnerabilityFields,
      enquiries: earlyYears.enquiries.schema,
      referrer: () => earlyYears.referrer,
    },
    { ...commonTitles, school: "Setting and attendance" },
    {
      whatHappened: "referral-step-what-happened",
      child: "referral-step-early-years-child",
      family: "referral-step-family",
      school: "referral-step-setting",
      vulnerability: "referral-step-vulnerability",
      enquiries: "referral-step-enquiries",
      referrer: "referral-step-early-years-referrer",
    },
  ),
};
