import { parse, CsvError } from "csv-parse";
import { pipeline, Transform, type Readable } from "node:stream";
import { z } from "zod";
import { postcode } from "../shared/fields.js";
import { isValidUpn } from "../shared/upn.js";
import {
  locateColumns,
  mappedColumns,
  sexValues,
  type ExtractField,
  type ExtractMapping,
} from "./extract-mapping.js";
import { isIsoDate, type IsoDate } from "../shared/uk-dates.js";

/**
 * Reads a pupil database extract as a stream: one record at a time through csv-parse, each
 * checked against the mapping and validated, so a county's file is never whole in memory.
 * A row's problems name its row number (the header is row 1), the column's header and why,
 * never the value (it is a child's details).
 */

/** How big an extract may be (policy): beyond either, the read stops with a refusal. */
export const extractLimitsSchema = z.object({
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  maxRows: z.number().int().positive().default(200_000),
});
export type ExtractLimits = z.infer<typeof extractLimitsSchema>;
export const defaultExtractLimits: ExtractLimits = extractLimitsSchema.parse({});

export type RefusalReason = "too-large" | "too-many-rows" | "not-csv" | "wrong-headers" | "not-teams-file";

/** The whole file is refused: what was read before it must be discarded. The message is for the person. */
export class ExtractRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = "ExtractRefused";
  }
}

/** DD/MM/YYYY (as spreadsheets in the UK write it) or YYYY-MM-DD, as a real calendar date. */
function extractDate(value: string): IsoDate | undefined {
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const iso = uk ? `${uk[3]}-${uk[2]!.padStart(2, "0")}-${uk[1]!.padStart(2, "0")}` : value;
  return isIsoDate(iso) ? iso : undefined;
}

const date = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const iso = extractDate(value);
    if (iso === undefined) {
      ctx.addIssue({ code: "custom", message: "is not a date: write DD/MM/YYYY or YYYY-MM-DD" });
      return z.NEVER;
    }
    return iso;
  });

const name = z
  .string({ error: "is blank" })
  .trim()
  .min(1, "is blank")
  .max(100, "is longer than 100 characters");

const ctfUnknown = "XXXXXXX";
const ctfAbroad = "MMMMMMM";

/** Where a leaver went: a school (its name or DfE number), or a CTF sent to the Lost Pupil Database. */
const destination = z
  .string()
  .trim()
  .max(200, "is longer than 200 characters")
  .transform((value, ctx) => {
    const code = value.toUpperCase();
    if (code === ctfUnknown) return { kind: "ctf-unknown" } as const;
    if (code === ctfAbroad) return { kind: "ctf-abroad" } as const;
    if (/^[XM]+$/.test(code)) {
      ctx.addIssue({
        code: "custom",
        message: `looks like a CTF code but is neither ${ctfUnknown} (destination unknown) nor ${ctfAbroad} (moved abroad)`,
      });
      return z.NEVER;
    }
    return { kind: "school", name: value } as const;
  });

export const pupilRowSchema = z
  .object({
    upn: z
      .string()
      .trim()
      .toUpperCase()
      .refine(isValidUpn, "is not a UPN: 13 characters, the first the check letter of the other 12")
      .optional(),
    legalForename: name,
    legalSurname: name,
    dateOfBirth: z.string({ error: "is blank" }).pipe(date),
    sex: z.enum(sexValues, { error: "is not one of the values the mapping's sexValues lists" }).optional(),
    address: z.string().trim().max(500, "is longer than 500 characters").optional(),
    postcode: postcode.optional(),
    currentEstablishment: z.string().trim().max(200, "is longer than 200 characters").optional(),
    onRoll: z
      .string()
      .trim()
      .toUpperCase()
      .pipe(z.enum(["Y", "N", "YES", "NO"], { error: "is not Y or N" }))
      .transform((value) => value.startsWith("Y"))
      .optional(),
    dateLeft: date.optional(),
    destination: destination.optional(),
  })
  .refine((row) => !row.dateLeft || !row.dateOfBirth || row.dateLeft >= row.dateOfBirth, {
    path: ["dateLeft"],
    message: "is before the date of birth",
  });

export type PupilRow = z.infer<typeof pupilRowSchema>;

export interface RowProblem {
  /** The row as a spreadsheet numbers it: the header is row 1. */
  readonly row: number;
  /** The column's header as the mapping names it; none when the row as a whole is wrong. */
  readonly column?: string;
  readonly why: string;
}

export type ExtractRow =
  | { readonly row: number; readonly pupil: PupilRow }
  | { readonly row: number; readonly problems: readonly RowProblem[] };

/**
 * Validates records one at a time, for a file whose header row put each mapped field at a
 * position. Blank cells are absent; sex is read through the mapping's sexValues.
 */
function recordValidator(mapping: ExtractMapping, positions: Map<ExtractField, number>, headerCount: number) {
  const sexOf = new Map(
    Object.entries(mapping.sexValues).map(([written, sex]) => [written.toLowerCase(), sex]),
  );
  const columns = mappedColumns(mapping).map((column) => ({
    ...column,
    at: positions.get(column.field) ?? -1,
  }));
  const headerOf = new Map(columns.map(({ field, header }) => [field, header]));
  return (row: number, record: readonly string[]): ExtractRow => {
    if (record.length !== headerCount) {
      return {
        row,
        problems: [{ row, why: `has ${record.length} values where the header row has ${headerCount}` }],
      };
    }
    const cells: Partial<Record<ExtractField, string>> = {};
    const problems: RowProblem[] = [];
    for (const { field, header, required, at } of columns) {
      const value = record[at]?.trim();
      if (value) cells[field] = field === "sex" ? (sexOf.get(value.toLowerCase()) ?? value) : value;
      else if (required) problems.push({ row, column: header, why: "is blank" });
    }
    const parsed = pupilRowSchema.safeParse(cells);
    if (parsed.success && problems.length === 0) return { row, pupil: parsed.data };
    for (const issue of parsed.error?.issues ?? []) {
      const column = headerOf.get(issue.path[0] as ExtractField);
      if (!problems.some((problem) => problem.column === column))
        problems.push({ row, column, why: issue.message });
    }
    return { row, problems };
  };
}

const excelWorkbook = Buffer.from("PK\x03\x04", "latin1");

/**
 * Counts the bytes and checks they are text (UTF-8, no NUL bytes), passing them on unchanged:
 * a binary file or one saved in another encoding is refused, not read as garbled names.
 */
function checkedText(maxBytes: number): Transform {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let bytes = 0;
  const notText = () =>
    new ExtractRefused(
      "not-csv",
      'The file is not CSV text: save the extract as "CSV UTF-8 (comma delimited)" and send it again.',
    );
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (bytes === 0 && chunk.subarray(0, 4).equals(excelWorkbook)) {
        done(
          new ExtractRefused(
            "not-csv",
            'The file is an Excel workbook, not CSV: save it as "CSV UTF-8 (comma delimited)" and send it again.',
          ),
        );
        return;
      }
      bytes += chunk.length;
      if (bytes > maxBytes) {
        done(tooLarge(maxBytes));
        return;
      }
      try {
        if (decoder.decode(chunk, { stream: true }).includes("\0")) throw new Error("NUL");
      } catch {
        done(notText());
        return;
      }
      done(null, chunk);
    },
    flush(done) {
      try {
        decoder.decode();
        done();
      } catch {
        done(notText());
      }
    },
  });
}

/** A file over the policy's size, whether its size was told or counted. */
export function tooLarge(maxBytes: number): ExtractRefused {
  return new ExtractRefused(
    "too-large",
    `The file is larger than ${megabytes(maxBytes)}, the most an extract may be: split it and send each part.`,
  );
}

const megabytes = (bytes: number) =>
  `${(bytes / (1024 * 1024)).toLocaleString("en-GB", { maximumSignificantDigits: 3 })} MB`;

function headerRefusal(
  located: { missing: readonly string[]; repeated: readonly string[] },
  headerRow: readonly string[],
): ExtractRefused {
  const other = headerRow.length === 1 ? /[;\t|]/.exec(headerRow[0] ?? "")?.[0] : undefined;
  if (other) {
    const name = other === ";" ? "semicolons" : other === "\t" ? "tabs" : "bars (|)";
    return new ExtractRefused(
      "not-csv",
      `The file's columns are separated by ${name}, not commas: save it as "CSV UTF-8 (comma delimited)" and send it again.`,
    );
  }
  const parts = [
    located.missing.length > 0 ? `it has no column ${located.missing.map((h) => `"${h}"`).join(", ")}` : "",
    located.repeated.length > 0
      ? `${located.repeated.map((h) => `"${h}"`).join(", ")} appear more than once`
      : "",
  ].filter(Boolean);
  return new ExtractRefused(
    "wrong-headers",
    `The file's first row is not the extract's header row: ${parts.join("; ")} (config/pupil-extract.json says which headers an extract has).`,
  );
}

/** csv-parse's own message quotes the file's text (a child's details): only its code is used. */
function csvRefusal(error: CsvError): ExtractRefused {
  // The error carries the parser's counts: the records before the broken one, the header among them.
  const row = ((error as CsvError & { records?: number }).records ?? 0) + 1;
  const why: Record<string, string> = {
    CSV_MAX_RECORD_SIZE: "a row is far longer than an extract's rows",
    CSV_QUOTE_NOT_CLOSED: "a quoted value is never closed",
    CSV_INVALID_CLOSING_QUOTE: "a quote is in the middle of a value",
    CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: "a quote is in the middle of a value",
  };
  return new ExtractRefused(
    "not-csv",
    `The file is not valid CSV at row ${row}: ${why[error.code] ?? "it cannot be read as CSV"}. Save the extract from the pupil database again as CSV.`,
  );
}

/** Rows whose every cell is blank (a spreadsheet's empty lines) are skipped, but keep their numbers. */
const isBlank = (record: readonly string[]) => record.every((cell) => cell.trim() === "");

/**
 * The extract's rows, validated, one at a time. Throws ExtractRefused when the file is not a CSV
 * extract (binary, another encoding or delimiter, no header row matching the mapping, broken
 * quoting) or goes beyond the limits; the source is destroyed then, and nothing more is read.
 */
export async function* readExtract(
  source: Readable,
  mapping: ExtractMapping,
  limits: ExtractLimits = defaultExtractLimits,
): AsyncGenerator<ExtractRow> {
  const parser = parse({ bom: true, relax_column_count: true, max_record_size: 10_000 });
  // Errors reach the loop below through the parser, which pipeline destroys with them.
  pipeline(source, checkedText(limits.maxBytes), parser, () => undefined);
  let row = 0;
  let dataRows = 0;
  let validate: ((row: number, record: readonly string[]) => ExtractRow) | undefined;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      if (!validate) {
        const located = locateColumns(mapping, record);
        if (!located.ok) throw headerRefusal(located, record);
        validate = recordValidator(mapping, located.positions, record.length);
        continue;
      }
      if (isBlank(record)) continue;
      dataRows += 1;
      if (dataRows > limits.maxRows) {
        throw new ExtractRefused(
          "too-many-rows",
          `The file has more than ${limits.maxRows.toLocaleString("en-GB")} rows, the most an extract may have: split it and send each part.`,
        );
      }
      yield validate(row, record);
    }
  } catch (error) {
    throw error instanceof CsvError ? csvRefusal(error) : error;
  } finally {
    parser.destroy();
  }
  if (!validate) {
    throw new ExtractRefused("not-csv", "The file is empty: an extract starts with its header row.");
  }
}
