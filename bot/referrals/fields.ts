import { z } from "zod";
import { valuesOf } from "./questions.js";
import { isIsoDate } from "./school-age.js";
import { isValidUpn } from "./upn.js";

/** Field schemas for card inputs: they receive strings (or nothing, for a blank input). */

export const text = (label: string, max = 100) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .max(max, `Keep the ${label} under ${max} characters`);

export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep this under ${max} characters`)
    .optional()
    .transform((value) => (value ? value : undefined));

export const isoDate = (label: string) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .refine(isIsoDate, `Enter the ${label} as a date`);

export const optionalDate = (label: string) =>
  z.string().trim().refine(isIsoDate, `Enter the ${label} as a date`).optional();

export const choice = <const T extends readonly { value: string; title: string }[]>(
  choices: T,
  message: string,
) => z.enum(valuesOf(choices), { error: message });

export const optionalChoice = <const T extends readonly { value: string; title: string }[]>(choices: T) =>
  z.enum(valuesOf(choices), { error: "Choose one of the options" }).optional();

/** A multi-select arrives as "a,b,c" (and is stored as an array, which parses again unchanged). */
export const multiChoice = <const T extends readonly { value: string; title: string }[]>(choices: T) =>
  z.preprocess(
    (value) =>
      typeof value === "string"
        ? value
            .split(",")
            .map((item) => item.trim())
            .filter(Boolean)
        : (value ?? []),
    z.array(z.enum(valuesOf(choices), { error: "Choose from the list" })),
  );

const ukPostcodePattern = /^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/;

export const postcode = z
  .string({ error: "Enter the postcode" })
  .trim()
  .toUpperCase()
  .refine((value) => ukPostcodePattern.test(value), "Enter a UK postcode, like LE3 8RA")
  .transform((value) => value.replace(/^(.+?)\s*(\d[A-Z]{2})$/, "$1 $2"));

/** UK phone numbers: 0 or +44 and 9–10 more digits; spaces, dashes and brackets allowed. */
function isUkPhone(value: string): boolean {
  const digits = value.replace(/[\s()-]/g, "");
  return /^(?:\+44|0)\d{9,10}$/.test(digits);
}

export const ukPhone = (label: string) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .refine(isUkPhone, "Enter a UK phone number, like 0116 305 0005 or +44 7700 900123");

export const email = (label: string) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .pipe(z.email(`Enter an e-mail address, like name@school.org.uk`));

export const optionalEmail = z
  .string()
  .trim()
  .pipe(z.email("Enter an e-mail address, like name@example.org"))
  .optional();

export const upn = z
  .string()
  .trim()
  .toUpperCase()
  .refine(
    (value) => /^[A-Z]\d{11}[0-9A-Z]$/.test(value),
    "A UPN is 13 characters: a letter, 11 digits, then a digit or letter",
  )
  .refine(isValidUpn, "That UPN's check letter does not match: check it against the school's records")
  .optional();

/** DfE establishment number: LA number and establishment, "855/2001" or "8552001". */
export const dfeNumber = z
  .string({ error: "Enter the school's DfE number" })
  .trim()
  .refine((value) => /^\d{3}\/?\d{4}$/.test(value), "Enter the DfE number as LA/establishment, like 855/2001")
  .transform((value) => `${value.slice(0, 3)}/${value.replace("/", "").slice(3)}`);

/** Ofsted unique reference number: six digits, or EY and six digits for an early-years registration. */
export const ofstedUrn = z
  .string()
  .trim()
  .toUpperCase()
  .refine((value) => /^(EY|SC)?\d{6,7}$/.test(value), "Enter the Ofsted URN, like 123456 or EY123456")
  .optional();

/** Puts a message under one field of the card. */
export function refuse(ctx: z.RefinementCtx, field: string | (string | number)[], message: string): void {
  ctx.addIssue({ code: "custom", path: Array.isArray(field) ? field : [field], message });
}

/**
 * Cross-field rules run as soon as the fields they read are valid (not only when the whole
 * card is), so a person sees every problem on the card at once.
 */
export function onceValid<Shape extends z.ZodRawShape>(
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
