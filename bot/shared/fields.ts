import { z } from "zod";
import { isValidUpn } from "./upn.js";
import { valuesOf } from "./choice.js";
import { isIsoDate } from "./uk-dates.js";

/** Field schemas for card inputs: they receive strings (or nothing, for a blank input). */

const lengthLimits = new WeakMap<z.ZodType, number>();

/** Inputs that are not free text (dates, choices, codes, phone numbers) are short when they are right. */
const codeLength = 200;

function limited<T extends z.ZodType>(schema: T, max: number): T {
  lengthLimits.set(schema, max);
  return schema;
}

/**
 * The most characters an input may hold: its schema refuses more, and no more than this is kept
 * of what a person typed (saved unchecked, or shown again), so no answer can outgrow its card.
 */
export function lengthLimitOf(schema: z.ZodType | undefined): number {
  return (schema && lengthLimits.get(schema)) ?? codeLength;
}

/** The first `max` characters (never half of a character written with two UTF-16 units). */
export function cutTo(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = /[\uD800-\uDBFF]/.test(value.charAt(max - 1)) ? max - 1 : max;
  return value.slice(0, end);
}

const tooLong = (what: string, max: number) =>
  `Keep ${what} to ${max.toLocaleString("en-GB")} characters or fewer`;

export const text = (label: string, max = 100) =>
  limited(
    z
      .string({ error: `Enter the ${label}` })
      .trim()
      .min(1, `Enter the ${label}`)
      .max(max, tooLong(`the ${label}`, max)),
    max,
  );

export const optionalText = (max: number) =>
  limited(
    z
      .string()
      .trim()
      .max(max, tooLong("this", max))
      .optional()
      .transform((value) => (value ? value : undefined)),
    max,
  );

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
  limited(
    z.preprocess(
      (value) =>
        typeof value === "string"
          ? value
              .split(",")
              .map((item) => item.trim())
              .filter(Boolean)
          : (value ?? []),
      z.array(z.enum(valuesOf(choices), { error: "Choose from the list" })),
    ),
    valuesOf(choices).join(",").length,
  );

const ukPostcodePattern = /^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/;

export const postcode = z
  .string({ error: "Enter the postcode" })
  .trim()
  .toUpperCase()
  .refine((value) => ukPostcodePattern.test(value), "Enter a UK postcode, like LE3 8RA")
  .transform((value) => value.replace(/^(.+?)\s*(\d[A-Z]{2})$/, "$1 $2"));

export const optionalPostcode = postcode.optional();

/**
 * A number as its digits (and +): spaces, dashes and brackets dropped, and the "(0)" people write
 * after a country code (the trunk prefix, dialled only at home: "+44 (0)116 …" is "+44116…").
 */
function digitsOf(value: string): string {
  return value.replace(/^(\+\d{1,3})\s*\(0\)/, "$1").replace(/[\s()-]/g, "");
}

/** UK phone numbers: 0 or +44 and 9–10 more digits; spaces, dashes and brackets allowed. */
function isUkPhone(value: string): boolean {
  return /^(?:\+44|0)\d{9,10}$/.test(digitsOf(value));
}

/** A number abroad as E.164 writes it, typed with spaces, dashes or brackets: "+1 (555) 123-4567" is "+15551234567". */
export function internationalPhone(value: string): string | undefined {
  const written = digitsOf(value);
  // +, a country code (never starting 0), then the number: 8 to 15 digits in all. UK numbers follow the UK rule.
  return /^\+[1-9]\d{7,14}$/.test(written) && !written.startsWith("+44") ? written : undefined;
}

/** What is stored, and shown everywhere, when the referrer does not know a phone number. */
export const phoneNotKnown = "Not known";

const saysNotKnown = (value: string) => /^(?:not[\s-]*known|unknown|n\/?k)$/i.test(value);

const ukOrInternational =
  "a UK phone number, like 0116 305 0005, or one abroad with + and its country code, like +48 600 123 456";

/** A phone number in the UK (kept as typed) or abroad (stored as E.164). */
function phoneNumberOf(label: string, allowNotKnown: boolean) {
  return z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .transform((value, ctx) => {
      if (allowNotKnown && saysNotKnown(value)) return phoneNotKnown;
      if (isUkPhone(value)) return value;
      const international = internationalPhone(value);
      if (international) return international;
      ctx.addIssue({
        code: "custom",
        message: allowNotKnown
          ? `Enter ${ukOrInternational}, or write 'not known'`
          : `Enter ${ukOrInternational}`,
      });
      return z.NEVER;
    });
}

/** Someone who must be reachable (the referrer): a UK or international number. */
export const phoneNumber = (label: string) => phoneNumberOf(label, false);

/** A family member's or contact's number, which the school may not have: or "not known". */
export const phoneOrNotKnown = (label: string) => phoneNumberOf(label, true);

/** The longest e-mail address there can be (RFC 5321). */
const emailLength = 254;

export const email = (label: string) =>
  limited(
    z
      .string({ error: `Enter the ${label}` })
      .trim()
      .max(emailLength, tooLong("the e-mail address", emailLength))
      .pipe(z.email(`Enter an e-mail address, like name@school.org.uk`)),
    emailLength,
  );

export const optionalEmail = limited(
  z
    .string()
    .trim()
    .max(emailLength, tooLong("the e-mail address", emailLength))
    .pipe(z.email("Enter an e-mail address, like name@example.org"))
    .optional(),
  emailLength,
);

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
