import { csvCell } from "../../bot/reports/csv.js";
import { upnCheckLetter } from "../../bot/shared/upn.js";
import { addDays, seededRandom } from "./cme-generator.js";

/**
 * Pupil database extracts with known answers, deterministic from a seed. Each child is made
 * from a plan that decides first which lists the child belongs on (by the plan's own date
 * arithmetic, never the bot's rules) and then writes a row that says so; tests compare what
 * the bot finds with the plans.
 */

export type PlannedList = "compulsory-no-place" | "rising-fives" | "leavers-no-forwarding-school";

/** The shipped mapping's headers, in the order the generator writes them. */
export const shippedHeaders = [
  "UPN",
  "Legal Forename",
  "Legal Surname",
  "DOB",
  "Gender",
  "Address",
  "Postcode",
  "Current Establishment",
  "On Roll",
  "Date Left",
  "Destination",
] as const;
type Header = (typeof shippedHeaders)[number];
type Cells = Record<Header, string>;

export interface PupilPlan {
  /** The row as a spreadsheet numbers it (the header is row 1). */
  readonly row: number;
  readonly kind: string;
  readonly lists: readonly PlannedList[];
  /** Empty for a blank line. */
  readonly cells?: Cells;
  /** A bad row: the column at fault. */
  readonly badColumn?: Header;
}

export interface ExtractPlanOptions {
  readonly seed: number;
  readonly rows: number;
  readonly importDate: string;
  /** Share of rows that are bad, and of blank lines (defaults 0). */
  readonly badShare?: number;
  readonly blankShare?: number;
}

const forenames = ["Alex", "Sam", "Robin", "Jordan", "Casey", "Morgan", "Riley", "Avery", "Quinn", "Rowan"];
const surnames = ["Testington", "Samplewood", "Exampleby", "Mockridge", "Fakenham", "Dummer", "Placeholt"];
const schools = [
  "Testfield Primary School",
  "Sample Hill Academy",
  "Example Vale Community College",
  "8554012",
];
const nurseries = ["Little Tests Nursery", "Sample Pre-School"];
const postcodeLetters = "ABDEFGHJLNPQRSTUWXYZ";

/** The same day n years earlier (a 29 February becomes the 28th). */
function yearsBefore(day: string, years: number): string {
  const monthDay = day.slice(5) === "02-29" ? "02-28" : day.slice(5);
  return `${Number(day.slice(0, 4)) - years}-${monthDay}`;
}

const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

/**
 * The plan's own reading of the law (Education Act 1996 s.8): compulsory school age starts on the first 31 March,
 * 31 August or 31 December on or after the fifth birthday. The next start after the import date
 * is N and the one before it P; a child starts at N when their fifth birthday is after P and on
 * or before N.
 */
function startWindow(importDate: string): { after: string; upTo: string } {
  const year = Number(importDate.slice(0, 4));
  const starts = [year - 1, year, year + 1].flatMap((y) => [`${y}-03-31`, `${y}-08-31`, `${y}-12-31`]);
  const next = starts.findIndex((start) => start > importDate);
  return { after: starts[next - 1]!, upTo: starts[next]! };
}

type Kind = {
  readonly weight: number;
  readonly lists: readonly PlannedList[];
  /** Which child: "compulsory" is 6 to 14 on the import date, well inside compulsory school age. */
  readonly age: "compulsory" | "rising-five" | "early-years" | "over";
  readonly place: Partial<Pick<Cells, "Current Establishment" | "On Roll" | "Destination">> & {
    readonly left?: true;
  };
};

const both: PlannedList[] = ["compulsory-no-place", "leavers-no-forwarding-school"];

/** Each kind of child, how common, and the lists it is on (the plan's answer). */
const kinds: Record<string, Kind> = {
  "on-roll": {
    weight: 60,
    lists: [],
    age: "compulsory",
    place: { "Current Establishment": "school", "On Roll": "Y" },
  },
  "no-place": { weight: 3, lists: ["compulsory-no-place"], age: "compulsory", place: { "On Roll": "N" } },
  "allocated-not-started": {
    weight: 2,
    lists: ["compulsory-no-place"],
    age: "compulsory",
    place: { "Current Establishment": "school", "On Roll": "N" },
  },
  "moving-to-school": {
    weight: 4,
    lists: [],
    age: "compulsory",
    place: { "On Roll": "N", left: true, Destination: "school" },
  },
  "left-no-destination": { weight: 2, lists: both, age: "compulsory", place: { "On Roll": "N", left: true } },
  "left-ctf-unknown": {
    weight: 2,
    lists: both,
    age: "compulsory",
    place: { "On Roll": "N", left: true, Destination: "XXXXXXX" },
  },
  "left-ctf-abroad": {
    weight: 1,
    lists: both,
    age: "compulsory",
    place: { "On Roll": "N", left: true, Destination: "mmmmmmm" },
  },
  "rising-five-no-place": {
    weight: 3,
    lists: ["rising-fives"],
    age: "rising-five",
    place: { "On Roll": "N" },
  },
  "rising-five-left-nursery": {
    weight: 1,
    lists: ["rising-fives", "leavers-no-forwarding-school"],
    age: "rising-five",
    place: { "On Roll": "N", left: true },
  },
  "rising-five-applied": {
    weight: 4,
    lists: [],
    age: "rising-five",
    place: { "Current Establishment": "school", "On Roll": "N" },
  },
  "early-years": {
    weight: 12,
    lists: [],
    age: "early-years",
    place: { "Current Establishment": "nursery", "On Roll": "Y" },
  },
  "early-years-left": {
    weight: 1,
    lists: ["leavers-no-forwarding-school"],
    age: "early-years",
    place: { "On Roll": "N", left: true },
  },
  "over-age-left": { weight: 1, lists: [], age: "over", place: { "On Roll": "N", left: true } },
};

/** A UPN whose check letter is not the one its other 12 characters give. */
const wrongCheckLetter = (rest: string) => `${upnCheckLetter(rest) === "A" ? "B" : "A"}${rest}`;

/** Bad cells (from a UPN's last 12 characters), each refused for a reason the reader gives for that column. */
const badCells: readonly { column: Header; value: (upnRest: string) => string }[] = [
  { column: "UPN", value: wrongCheckLetter },
  { column: "DOB", value: () => "31/02/2019" },
  { column: "On Roll", value: () => "maybe" },
  { column: "Gender", value: () => "X" },
  { column: "Destination", value: () => "XXXXXX" },
  { column: "Legal Surname", value: () => "" },
  { column: "Postcode", value: () => "NOT A POSTCODE" },
];

export function* plannedPupils(options: ExtractPlanOptions): Generator<PupilPlan> {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (from: string, days: number) => addDays(from, Math.floor(random() * days));
  const totalWeight = Object.values(kinds).reduce((sum, kind) => sum + kind.weight, 0);
  const window = startWindow(options.importDate);
  const writeDate = (day: string) => (random() < 0.5 ? day : day.split("-").reverse().join("/"));

  const dateOfBirthFor = (age: Kind["age"]): string => {
    const on = options.importDate;
    if (age === "compulsory") return between(yearsBefore(on, 15), 8 * 365);
    if (age === "early-years") return between(yearsBefore(on, 3), 700);
    if (age === "over") return between(yearsBefore(on, 18), 300);
    const fifthBirthday = addDays(
      window.after,
      1 + Math.floor(random() * daysBetween(window.after, window.upTo)),
    );
    return yearsBefore(fifthBirthday, 5);
  };

  for (let index = 0; index < options.rows; index += 1) {
    const row = index + 2;
    if (random() < (options.blankShare ?? 0)) {
      yield { row, kind: "blank", lists: [] };
      continue;
    }
    let ticket = random() * totalWeight;
    const [kindName, kind] = Object.entries(kinds).find(([, k]) => (ticket -= k.weight) < 0) ?? [
      "on-roll",
      kinds["on-roll"]!,
    ];
    const dateOfBirth = dateOfBirthFor(kind.age);
    const rest = `855${String(1000 + Math.floor(random() * 9000))}${String(10 + Math.floor(random() * 90))}${String(Math.floor(random() * 1000)).padStart(3, "0")}`;
    const establishment = (which: string | undefined) =>
      which === "school" ? pick(schools) : which === "nursery" ? pick(nurseries) : (which ?? "");
    const cells: Cells = {
      UPN: kind.age === "compulsory" || kind.age === "over" ? `${upnCheckLetter(rest)}${rest}` : "",
      "Legal Forename": pick(forenames),
      "Legal Surname": pick(surnames),
      DOB: writeDate(dateOfBirth),
      Gender: pick(["M", "F", "Male", "female", "U"]),
      Address: `${1 + Math.floor(random() * 200)} Test Street, Testville`,
      Postcode: `LE${1 + Math.floor(random() * 9)} ${Math.floor(random() * 10)}${pick([...postcodeLetters])}${pick([...postcodeLetters])}`,
      "Current Establishment": establishment(kind.place["Current Establishment"]),
      "On Roll": kind.place["On Roll"] ?? "N",
      // A leaving date after the birth and before the import date.
      "Date Left": kind.place.left
        ? writeDate(addDays(options.importDate, -1 - Math.floor(random() * 60)))
        : "",
      Destination: establishment(kind.place.Destination),
    };
    if (random() < (options.badShare ?? 0)) {
      const bad = pick(badCells);
      yield {
        row,
        kind: `bad ${bad.column}`,
        lists: [],
        cells: { ...cells, [bad.column]: bad.value(rest) },
        badColumn: bad.column,
      };
      continue;
    }
    yield { row, kind: kindName, lists: kind.lists, cells };
  }
}

/** The extract's lines (CRLF, as a spreadsheet saves them), header first, headers as `headerOf` writes them. */
export function* extractLines(
  plans: Iterable<PupilPlan>,
  headerOf: (header: Header) => string = (header) => header,
): Generator<string> {
  yield `${shippedHeaders.map((header) => csvCell(headerOf(header))).join(",")}\r\n`;
  for (const plan of plans) {
    const cells = plan.cells;
    yield cells
      ? `${shippedHeaders.map((header) => csvCell(cells[header])).join(",")}\r\n`
      : ",,,,,,,,,,\r\n";
  }
}
