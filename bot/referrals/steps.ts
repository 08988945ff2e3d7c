import { z } from "zod";
import {
  choice,
  dfeNumber,
  email,
  isoDate,
  multiChoice,
  onceValid,
  optionalChoice,
  optionalDate,
  optionalEmail,
  optionalText,
  postcode,
  refuse,
  text,
  ukPhone,
  upn,
} from "./fields.js";
import {
  ctfChoices,
  deletionGroundChoices,
  enquiryTypeChoices,
  onRollChoices,
  parentsToldChoices,
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

/**
 * The school-age referral (DOMAIN.md section A) as a wizard: a few questions per card, each
 * card with its own schema over the strings an Adaptive Card submits, and a context for rules
 * that depend on other answers or on today's date. Repeatable groups (parents, contacts …)
 * arrive as inputs named `group.index.field` and are parsed as arrays.
 */

export interface StepContext {
  /** Today's date in the UK, YYYY-MM-DD. */
  readonly today: string;
  /** Answers already given on other steps. */
  readonly answers: Partial<SchoolAgeAnswers>;
}

export interface GroupSpec {
  readonly name: string;
  readonly fields: readonly string[];
  readonly min: number;
  readonly max: number;
}

const groupLimits = new Map<z.ZodType, { min: number; max: number }>();

function group<Shape extends z.ZodRawShape>(shape: Shape, min: number, max: number, what: string) {
  const schema = z.array(z.object(shape)).min(min, `Add at least one ${what}`).max(max, `Add at most ${max}`);
  groupLimits.set(schema, { min, max });
  return schema;
}

// 1. What happened
const whatHappenedFields = z.object({
  whatHappened: choice(whatHappenedChoices, "Choose what happened"),
  whatHappenedOther: optionalText(500),
  immediateDanger: choice(yesNoChoices, "Say whether the child is in immediate danger"),
});

const whatHappenedSchema = whatHappenedFields.superRefine(
  (value, ctx) => {
    if (value.whatHappened === "other" && !value.whatHappenedOther) {
      refuse(ctx, "whatHappenedOther", "Describe what happened");
    }
  },
  onceValid(whatHappenedFields, ["whatHappened", "whatHappenedOther"]),
);

// 2. The child
const previousAddress = { address: text("previous address", 300) };

const childFields = z.object({
  forenames: text("child's legal forename(s)"),
  surname: text("child's surname"),
  knownAs: optionalText(100),
  dateOfBirth: isoDate("child's date of birth"),
  sex: choice(sexChoices, "Choose the child's sex"),
  upn,
  yearGroup: optionalChoice(yearGroupChoices),
  ethnicity: optionalText(100),
  firstLanguage: optionalText(100),
  interpreterNeeded: optionalChoice(yesNoChoices),
  nationality: optionalText(100),
  address: text("child's current address", 300),
  postcode,
  previousAddresses: group(previousAddress, 0, 5, "previous address"),
});

const childSchema = (context: StepContext) =>
  childFields.superRefine(
    (value, ctx) => {
      if (value.dateOfBirth > context.today) {
        refuse(ctx, "dateOfBirth", "The date of birth is in the future");
        return;
      }
      const standing = schoolAgeStanding(value.dateOfBirth, context.today);
      if (standing === "under") {
        refuse(
          ctx,
          "dateOfBirth",
          `This child is under compulsory school age until ${compulsorySchoolAgeStarts(value.dateOfBirth)}. Make an early-years referral instead.`,
        );
      } else if (standing === "over") {
        refuse(
          ctx,
          "dateOfBirth",
          "This child is over compulsory school age, so this is not a CME referral (post-16 tracking applies).",
        );
      }
    },
    onceValid(childFields, ["dateOfBirth"]),
  );

// 3. Family
const parent = {
  name: text("parent or carer's name"),
  relationship: text("relationship to the child", 50),
  parentalResponsibility: optionalChoice(yesNoUnknownChoices),
  phone: ukPhone("parent or carer's phone number"),
  email: optionalEmail,
};
const emergencyContact = {
  name: text("contact's name"),
  relationship: optionalText(50),
  phone: ukPhone("contact's phone number"),
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

// 4. School and absence
const schoolFields = z.object({
  school: text("school's name", 200),
  dateAdmitted: optionalDate("date admitted"),
  dateLastAttended: isoDate("date the child last attended"),
  dateLastSeen: optionalDate("date last seen"),
  attendancePattern: optionalText(1000),
  possibleDestination: optionalText(300),
  onRoll: choice(onRollChoices, "Say whether the child is still on roll"),
  deletionDate: optionalDate("date of deletion"),
  deletionGround: optionalChoice(deletionGroundChoices),
  ctf: optionalChoice(ctfChoices),
});

const schoolSchema = (context: StepContext) =>
  schoolFields
    .superRefine(
      (value, ctx) => {
        if (value.dateLastAttended > context.today) {
          refuse(ctx, "dateLastAttended", "The date last attended is in the future");
        }
        const dateOfBirth = context.answers.child?.dateOfBirth;
        if (dateOfBirth && value.dateLastAttended < dateOfBirth) {
          refuse(ctx, "dateLastAttended", "The date last attended is before the child's date of birth");
        }
      },
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
const enquiry = {
  type: choice(enquiryTypeChoices, "Choose what kind of enquiry this was"),
  date: isoDate("date of the enquiry"),
  outcome: text("outcome of the enquiry", 300),
};
const homeVisit = {
  date: isoDate("date of the home visit"),
  timeOfDay: optionalChoice(timeOfDayChoices),
  whoSeen: optionalText(200),
  relationship: optionalText(50),
};

const enquiriesFields = z.object({
  // Ten rows keep the card under Teams' 28 KB (each row repeats the list of kinds).
  enquiries: group(enquiry, 0, 10, "enquiry"),
  homeVisits: group(homeVisit, 0, 5, "home visit"),
});

/** Rows can be dated in the past only; checked even while other parts of a row are wrong. */
const enquiriesSchema = (context: StepContext) =>
  enquiriesFields.superRefine(
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

// 7. Referrer
const referrerFields = z.object({
  name: text("your name"),
  role: text("your role", 100),
  setting: text("school or setting's name", 200),
  dfeNumber,
  phone: ukPhone("your phone number"),
  email: email("your e-mail address"),
  parentsTold: choice(parentsToldChoices, "Say whether the parents have been told of this referral"),
});

/** The answers of a whole school-age referral, as stored on the case. */
export const schoolAgeAnswersSchema = z.object({
  whatHappened: whatHappenedFields,
  child: childFields,
  family: familyFields,
  school: schoolFields,
  vulnerability: vulnerabilityFields,
  enquiries: enquiriesFields,
  referrer: referrerFields,
});

export type SchoolAgeAnswers = z.output<typeof schoolAgeAnswersSchema>;

export type StepId = keyof SchoolAgeAnswers;

export const stepOrder: readonly StepId[] = [
  "whatHappened",
  "child",
  "family",
  "school",
  "vulnerability",
  "enquiries",
  "referrer",
];

export const stepTitles: Record<StepId, string> = {
  whatHappened: "What happened",
  child: "The child",
  family: "Family",
  school: "School and absence",
  vulnerability: "Vulnerability",
  enquiries: "Enquiries already made",
  referrer: "About you",
};

export const stepSchemas: { [K in StepId]: (context: StepContext) => z.ZodType<SchoolAgeAnswers[K]> } = {
  whatHappened: () => whatHappenedSchema,
  child: childSchema,
  family: () => familyFields,
  school: schoolSchema,
  vulnerability: () => vulnerabilityFields,
  enquiries: enquiriesSchema,
  referrer: () => referrerFields,
};

const shapes: Record<StepId, z.ZodRawShape> = {
  whatHappened: whatHappenedFields.shape,
  child: childFields.shape,
  family: familyFields.shape,
  school: schoolFields.shape,
  vulnerability: vulnerabilityFields.shape,
  enquiries: enquiriesFields.shape,
  referrer: referrerFields.shape,
};

const groupShapes: Record<string, z.ZodRawShape> = {
  previousAddresses: previousAddress,
  parents: parent,
  emergencyContacts: emergencyContact,
  siblings: sibling,
  enquiries: enquiry,
  homeVisits: homeVisit,
};

function groupSpec(name: string, schema: z.ZodType): GroupSpec {
  const limits = groupLimits.get(schema) ?? { min: 0, max: 10 };
  return { name, fields: Object.keys(groupShapes[name] ?? {}), ...limits };
}

function perStep<T>(make: (step: StepId) => T): Record<StepId, T> {
  return Object.fromEntries(stepOrder.map((step) => [step, make(step)])) as unknown as Record<StepId, T>;
}

/** The repeatable groups on each step's card. */
export const stepGroups: Record<StepId, readonly GroupSpec[]> = perStep((step) =>
  Object.entries(shapes[step])
    .filter(([name]) => name in groupShapes)
    .map(([name, schema]) => groupSpec(name, schema as z.ZodType)),
);

/** The plain (not grouped) input ids on each step's card. */
export const stepFields: Record<StepId, readonly string[]> = perStep((step) =>
  Object.keys(shapes[step]).filter((name) => !(name in groupShapes)),
);
