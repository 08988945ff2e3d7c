import { z } from "zod";
import { sexChoices, valuesOf, whatHappenedChoices, yesNoChoices } from "./questions.js";
import { isIsoDate, schoolAgeStanding, compulsorySchoolAgeStarts } from "./school-age.js";

/**
 * The school-age referral wizard: a few questions per card, each card with its own schema.
 * Schemas receive the raw strings an Adaptive Card submits and a context for rules that
 * depend on other answers or on today's date.
 */

export interface StepContext {
  /** Today's date in the UK, YYYY-MM-DD. */
  readonly today: string;
  /** Answers already given on earlier steps. */
  readonly answers: Partial<SchoolAgeAnswers>;
}

const text = (label: string, max = 100) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .max(max, `Keep the ${label} under ${max} characters`);

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep this under ${max} characters`)
    .optional()
    .transform((value) => (value ? value : undefined));

const isoDate = (label: string) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .refine(isIsoDate, `Enter the ${label} as a date`);

/** Puts a message under one field of the card. */
function refuse(ctx: z.RefinementCtx, field: string, message: string): void {
  ctx.addIssue({ code: "custom", path: [field], message });
}

/**
 * Cross-field rules run as soon as the fields they read are valid (not only when the whole
 * card is), so a person sees every problem on the card at once.
 */
function onceValid<Shape extends z.ZodRawShape>(
  fields: z.ZodObject<Shape>,
  keys: readonly (keyof Shape & string)[],
) {
  return {
    when: (payload: { value: unknown }) =>
      keys.every((key) => {
        const field = fields.shape[key] as z.ZodType;
        return field.safeParse((payload.value as Record<string, unknown> | undefined)?.[key]).success;
      }),
  };
}

const ukPostcode = /^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/;

const whatHappenedFields = z.object({
  whatHappened: z.enum(valuesOf(whatHappenedChoices), { error: "Choose what happened" }),
  whatHappenedOther: optionalText(500),
  immediateDanger: z.enum(valuesOf(yesNoChoices), { error: "Say whether the child is in immediate danger" }),
});

const whatHappenedSchema = whatHappenedFields.superRefine(
  (value, ctx) => {
    if (value.whatHappened === "other" && !value.whatHappenedOther) {
      refuse(ctx, "whatHappenedOther", "Describe what happened");
    }
  },
  onceValid(whatHappenedFields, ["whatHappened", "whatHappenedOther"]),
);

const childFields = z.object({
  forenames: text("child's legal forename(s)"),
  surname: text("child's surname"),
  knownAs: optionalText(100),
  dateOfBirth: isoDate("child's date of birth"),
  sex: z.enum(valuesOf(sexChoices), { error: "Choose the child's sex" }),
  address: text("child's current address", 300),
  postcode: z
    .string({ error: "Enter the postcode" })
    .trim()
    .toUpperCase()
    .refine((value) => ukPostcode.test(value), "Enter a UK postcode, like LE3 8RA")
    .transform((value) => value.replace(/^(.+?)\s*(\d[A-Z]{2})$/, "$1 $2")),
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
          `This child is under compulsory school age until ${compulsorySchoolAgeStarts(value.dateOfBirth)}. Early-years referrals are not in the bot yet: contact the CME team directly.`,
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

const schoolFields = z.object({
  school: text("school's name", 200),
  dateLastAttended: isoDate("date the child last attended"),
});

const schoolSchema = (context: StepContext) =>
  schoolFields.superRefine(
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
  );

/** The answers of a whole school-age referral, as stored on the case. */
export const schoolAgeAnswersSchema = z.object({
  whatHappened: whatHappenedFields,
  child: childFields,
  school: schoolFields,
});

export type SchoolAgeAnswers = z.output<typeof schoolAgeAnswersSchema>;

export type StepId = keyof SchoolAgeAnswers;

export const stepOrder: readonly StepId[] = ["whatHappened", "child", "school"];

export const stepTitles: Record<StepId, string> = {
  whatHappened: "What happened",
  child: "The child",
  school: "School and absence",
};

export const stepSchemas: { [K in StepId]: (context: StepContext) => z.ZodType<SchoolAgeAnswers[K]> } = {
  whatHappened: () => whatHappenedSchema,
  child: childSchema,
  school: schoolSchema,
};

/** The input ids on each step's card, which are also the schema's keys. */
export const stepFields: Record<StepId, readonly string[]> = {
  whatHappened: Object.keys(whatHappenedFields.shape),
  child: Object.keys(childFields.shape),
  school: Object.keys(schoolFields.shape),
};
