import { z } from "zod";
import { reportNames } from "../reports/reports.js";
import { isIsoDate } from "../shared/uk-dates.js";

/**
 * What comes in from Teams, checked at the edge before anything reads it: an activity that
 * botbuilder or our handlers would choke on is answered 400, an invoke value they would choke on
 * gets a clear message. Objects stay loose: Teams adds fields, and only these are read.
 */

/** An id Teams gives a person or a team: it becomes part of Cosmos ids, which forbid / \ ? # and are at most 255 characters. */
export const teamsId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^/\\?#\s]+$/);

const shortText = z.string().max(256);

/** Teams' accounts and the activity's id and locale are copied onto every reply, whose serializer refuses other types. */
const account = z.looseObject({
  id: teamsId,
  name: shortText.optional(),
  aadObjectId: shortText.optional(),
  role: shortText.optional(),
});

const entity = z
  .looseObject({
    type: z.string().max(64),
    mentioned: z.looseObject({ id: z.string() }).optional(),
    text: z.string().optional(),
  })
  .refine((each) => each.type.toLowerCase() !== "mention" || (each.mentioned && each.text !== undefined), {
    message: "a mention says who is mentioned and how",
    path: ["mentioned"],
  });

export const inboundActivity = z
  .looseObject({
    type: z.string().min(1).max(64),
    id: z.string().max(1024).optional(),
    name: z.string().min(1).max(128).optional(),
    channelId: z.string().min(1).max(64),
    locale: z.string().max(64).optional(),
    serviceUrl: z.url({ protocol: /^https?$/ }),
    conversation: z.looseObject({
      id: z.string().min(1).max(1024),
      conversationType: z.string().max(64).optional(),
      tenantId: shortText.optional(),
      isGroup: z.boolean().optional(),
      name: shortText.optional(),
      aadObjectId: shortText.optional(),
      role: shortText.optional(),
    }),
    from: account,
    recipient: account,
    text: z.string().optional(),
    entities: z.array(entity).max(100).optional(),
    membersAdded: z.array(account).max(1000).optional(),
    membersRemoved: z.array(account).max(1000).optional(),
    channelData: z
      .looseObject({
        eventType: z.string().max(64).optional(),
        tenant: z.looseObject({ id: shortText }).optional(),
        team: z.looseObject({ id: teamsId.optional(), name: shortText.optional() }).optional(),
        channel: z
          .looseObject({ id: z.string().max(1024).optional(), name: shortText.optional() })
          .optional(),
      })
      .optional(),
  })
  .refine((activity) => activity.type !== "invoke" || activity.name !== undefined, {
    message: "an invoke has a name",
    path: ["name"],
  })
  .refine(
    (activity) =>
      activity.text !== undefined ||
      !activity.entities?.some((each) => each.type.toLowerCase() === "mention"),
    { message: "a message with a mention has text", path: ["text"] },
  );

/** Where and how a value failed its schema, for a log line or a reply: paths and codes, never the values. */
export function problemsWith(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join(".").slice(0, 80) || "(the whole)"}: ${issue.code}`)
    .join("; ");
}

/** A whole number on a card, as a number or the string a card may carry it as. */
export function cardNumber(max: number) {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,9}$/)
        .transform(Number),
    ])
    .pipe(z.number().int().min(0).max(max));
}

/** The value of an `adaptiveCard/action` invoke: an Action.Execute, its verb a button's name, its data a plain object. */
export const cardActionValue = z.looseObject({
  action: z.looseObject({
    type: z.literal("Action.Execute"),
    verb: z
      .string()
      .max(64)
      .regex(/^[a-z]+\.[A-Za-z]+$/),
    data: z.record(z.string(), z.unknown()).default({}),
  }),
});

export type CardAction = z.infer<typeof cardActionValue>["action"];

/** A UK date, YYYY-MM-DD, that exists. */
export const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(isIsoDate, { message: "not a date" });

/** What a file consent card offered (its acceptContext): what to make once the person accepts. */
export const fileOfferContext = z.union([
  z.object({ kind: z.literal("export"), reference: z.string().max(64) }),
  z.object({ kind: z.literal("report"), name: z.enum(reportNames), from: isoDay, to: isoDay }),
  z.object({ kind: z.literal("dfe-return"), census: isoDay, year: z.string().regex(/^\d{4}\/\d{2}$/) }),
  // Cards offered before files were offered by kind carry only the export's reference.
  z
    .strictObject({ reference: z.string().max(64) })
    .transform(({ reference }) => ({ kind: "export" as const, reference })),
]);

export type FileOfferContext = z.infer<typeof fileOfferContext>;

/** The value of a `fileConsent/invoke`: the person accepted (with where to upload) or declined the file. */
export const fileConsentValue = z.looseObject({
  action: z.enum(["accept", "decline"]),
  context: fileOfferContext.optional(),
  uploadInfo: z
    .looseObject({
      uploadUrl: z.url({ protocol: /^https?$/ }).optional(),
      contentUrl: z.string().max(2048).optional(),
      name: shortText.optional(),
      uniqueId: shortText.optional(),
      fileType: shortText.optional(),
    })
    .optional(),
});

export type FileConsent = z.infer<typeof fileConsentValue>;
