import * as fc from "fast-check";
import { Readable } from "node:stream";
import { loadExtractMapping, mappedColumns, type ExtractMapping } from "../../bot/pupils/extract-mapping.js";
import {
  ExtractRefused,
  readExtract,
  type ExtractLimits,
  type ExtractRow,
} from "../../bot/pupils/read-extract.js";
import { routes } from "../../bot/teams/routes.js";
import { FileStore, fileMessage, lastAnswer } from "../support/file-store.js";
import { cardIn, cardText, people, startHarness, tenantId, type Harness } from "../support/harness.js";
import {
  countCase,
  expectClearAnswer,
  expectEveryDocumentValid,
  expectSafeCard,
  holds,
  prototypeKeys,
  sendTimed,
  suiteTimeout,
  type Sent,
} from "./fuzz-support.js";

/*
 * Hostile pupil extracts: random bytes, other delimiters, broken quoting, BOMs, huge cells,
 * spreadsheet formulas, invalid UTF-8 and prototype keys as headers, read by the extract reader
 * directly and, fewer, sent to the bot as files its local file store serves.
 */

/** What every cell the suite makes up starts with: a problem or a refusal that quotes a cell shows it. */
const cellMarker = "FZCELL";

const shippedMapping = loadExtractMapping("config/pupil-extract.json");
const headers = mappedColumns(shippedMapping).map(({ header }) => header);

const formulas = [
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://x","FZ")',
  "+SUM(1,2)",
  "-2+3",
  "@SUM(A1)",
  "=1+1",
];
const markup = ["**FZBOLD**", "<b>FZB</b>", "[FZLINK](javascript:alert(1))", "<script>x</script>"];
const templates = ["${concat('FZ','EXPANDED')}", "${$root}", "{{concat('FZ','EXPANDED')}}"];
const quoting = ['"', '""', 'a"b', '"open', 'close"', '"a""b"', "a\nb", "a\r\nb", ",", ";"];
const plausible = [
  "Alex",
  "Testington",
  "01/01/2015",
  "2014-09-30",
  "M",
  "F",
  "Y",
  "N",
  "XXXXXXX",
  "LE1 1AA",
  "",
];

/** One cell's text (before it is written into the file), marked where it is the suite's own. */
const cell: fc.Arbitrary<string> = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...plausible) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...formulas, ...markup, ...templates, ...quoting, ...prototypeKeys)
      .map((text) => `${cellMarker}${text}`),
  },
  { weight: 2, arbitrary: fc.constantFrom(...formulas) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }).map((text) => cellMarker + text) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(101, 201, 501, 501, 10_001).map((length) => cellMarker + "y".repeat(length)),
  },
);

/** How a cell is written: bare, quoted as CSV quotes it, or with its quotes left unbalanced. */
const written = fc.constantFrom("bare", "bare", "quoted", "half-quoted");

/** A sound file quotes what needs quoting and never half-quotes; another writes cells as they came. */
function writeCell(text: string, how: string, sound: boolean): string {
  const quoted = `"${text.replaceAll('"', '""')}"`;
  if (sound) return how === "quoted" || /[",;\t|\r\n]/.test(text) ? quoted : text;
  if (how === "quoted") return quoted;
  if (how === "half-quoted") return `"${text}`;
  return text;
}

/** A header row: the mapping's, changed (a prototype key added, a header left out, repeated, respelled). */
const headerRow = fc
  .tuple(
    fc.constantFrom("as mapped", "prototype key", "left out", "repeated", "respelled", "shuffled"),
    fc.nat(),
    fc.constantFrom(...prototypeKeys),
  )
  .map(([change, pick, key]) => {
    const row = [...headers];
    const at = pick % row.length;
    if (change === "prototype key") row.splice(at, 0, key);
    if (change === "left out") row.splice(at, 1);
    if (change === "repeated") row.push(row[at]!);
    if (change === "respelled") row[at] = ` ${row[at]!.toUpperCase()} `;
    if (change === "shuffled") row.push(...row.splice(0, at));
    return row;
  });

/** A file built as text: a header row and rows, with its delimiter, line ends, BOM and encoding. */
const textFile = fc
  .record({
    header: headerRow,
    rows: fc.array(fc.array(fc.tuple(cell, written), { minLength: 0, maxLength: headers.length + 2 }), {
      maxLength: 12,
    }),
    sound: fc.constantFrom(true, true, true, false),
    delimiter: fc.constantFrom(",", ",", ",", ",", ",", ";", "\t", "|"),
    lineEnd: fc.constantFrom("\r\n", "\n", "\r"),
    bom: fc.constantFrom("", "", "\uFEFF", "\uFEFF\uFEFF"),
    encoding: fc.constantFrom(...Array<string>(6).fill("utf-8"), "utf-16le", "latin1", "invalid utf-8"),
  })
  .map(({ header, rows, sound, delimiter, lineEnd, bom, encoding }) => {
    const lines = [
      header.join(delimiter),
      ...rows.map((row) => row.map(([text, how]) => writeCell(text, how, sound)).join(delimiter)),
    ];
    const text = bom + lines.join(lineEnd) + lineEnd;
    if (encoding === "invalid utf-8") {
      const bytes = Buffer.from(text, "utf-8");
      return Buffer.concat([
        bytes.subarray(0, bytes.length >> 1),
        Buffer.from([0xc3, 0x28, 0xff]),
        bytes.subarray(bytes.length >> 1),
      ]);
    }
    return Buffer.from(text, encoding === "utf-8" ? "utf-8" : (encoding as BufferEncoding));
  });

/** A hostile file: made as text, random bytes, or random bytes after a good header row. */
const hostileFile: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 6, arbitrary: textFile },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 500 })
      .map((bytes) => Buffer.concat([Buffer.from(headers.join(",") + "\r\n"), Buffer.from(bytes)])),
  },
);

/** The bytes in pieces of the sizes given (a character, a BOM, a line split across them). */
function inPieces(bytes: Buffer, sizes: readonly number[]): Readable {
  const pieces: Buffer[] = [];
  let at = 0;
  for (let index = 0; at < bytes.length; index += 1) {
    const size = sizes.length > 0 ? sizes[index % sizes.length]! : bytes.length;
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return Readable.from(pieces, { objectMode: false });
}

type Outcome = { rows: ExtractRow[]; refused?: ExtractRefused };

/** Reads the file to its end or its refusal; anything else it throws fails the case. */
async function outcomeOf(source: Readable, mapping: ExtractMapping, limits: ExtractLimits): Promise<Outcome> {
  const rows: ExtractRow[] = [];
  try {
    for await (const row of readExtract(source, mapping, limits)) rows.push(row);
    return { rows };
  } catch (error) {
    if (error instanceof ExtractRefused) return { rows, refused: error };
    throw new Error(`the reader threw what is not a refusal: ${String(error)}`);
  }
}

/** Every outcome is a row, a row's problems or a refusal; none quotes a cell; rows count up from 2. */
function expectSoundOutcome({ rows, refused }: Outcome): void {
  let last = 1;
  for (const each of rows) {
    if (!Number.isInteger(each.row) || each.row <= last) throw new Error(`row ${each.row} after row ${last}`);
    last = each.row;
    if ("problems" in each) {
      if (each.problems.length === 0) throw new Error(`row ${each.row}: problems, but none named`);
      for (const problem of each.problems) {
        if (problem.row !== each.row) throw new Error(`row ${each.row}: a problem of row ${problem.row}`);
        if (problem.column !== undefined && !headers.includes(problem.column))
          throw new Error(`row ${each.row}: a problem names a column the mapping has not: ${problem.column}`);
        if (problem.why.trim().length < 5 || problem.why.includes(cellMarker))
          throw new Error(
            `row ${each.row}: a problem's words quote a cell or say nothing: ${problem.why.slice(0, 200)}`,
          );
      }
    } else if (!("pupil" in each)) throw new Error(`a row with neither a pupil nor problems`);
  }
  if (refused && (refused.message.includes(cellMarker) || refused.message.length < 20))
    throw new Error(`a refusal quotes a cell or says nothing: ${refused.message.slice(0, 200)}`);
}

/** Small limits now and then, so a hostile file also meets them. */
const limits = fc.constantFrom<ExtractLimits>(
  { maxBytes: 50 * 1024 * 1024, maxRows: 200_000 },
  { maxBytes: 50 * 1024 * 1024, maxRows: 200_000 },
  { maxBytes: 4_096, maxRows: 200_000 },
  { maxBytes: 50 * 1024 * 1024, maxRows: 5 },
);

describe("hostile input, generated: pupil extracts", function () {
  this.timeout(suiteTimeout(0.095));

  it("reads every hostile file to rows, rows' problems or a refusal, none quoting a cell", async () => {
    const cases = fc.record({
      file: hostileFile,
      pieces: fc.array(fc.integer({ min: 1, max: 4_096 }), { maxLength: 4 }),
      limits,
    });
    await holds("extracts read directly", 0.095, cases, async ({ file, pieces, limits }) => {
      const outcome = await outcomeOf(inPieces(file, pieces), shippedMapping, limits);
      countCase(`extract read directly: ${outcome.refused ? `refused, ${outcome.refused.reason}` : "read"}`);
      expectSoundOutcome(outcome);
    });
  });

  describe("sent to the bot as a file", () => {
    let h: Harness;
    let store: FileStore;
    before(async () => {
      store = new FileStore();
      await store.start();
      h = await startHarness({ ALLOWED_TENANT_IDS: tenantId, MESSAGES_PER_SECOND: "100000" });
    });
    after(async () => {
      await h.close();
      await store.stop();
    });

    it("answers each with the reader's refusal or its lists, on a card drawn literally", async () => {
      const fileRoutes = routes.flatMap((route) => (route.kind === "file" ? [route.file] : []));
      if (fileRoutes.join() !== "pupil extract")
        throw new Error(`file routes this suite does not send: ${fileRoutes.join(", ")}`);
      const { mapping, limits: serverLimits } = h.app.services.config.pupilExtracts;
      let sentFiles = 0;
      await holds("extracts sent as files", 0.005, hostileFile, async (file) => {
        countCase("file: pupil extract");
        sentFiles += 1;
        const path = `/hostile-${sentFiles}.csv`;
        store.serve(path, file);
        const sent: Sent = { activity: fileMessage(h, people.officer, store.url(path), "hostile.csv") };
        expectClearAnswer(sent, await sendTimed(h, sent));
        const answer = await lastAnswer(h, people.officer);
        // Which of a file's faults is told depends on how its bytes arrive: read whole, a broken
        // quote further on is found before the header row is judged; in pieces, the header first.
        const expected = await outcomeOf(Readable.from([file]), mapping, serverLimits);
        const lineEnd = [0x0a, 0x0d].map((byte) => file.indexOf(byte)).filter((at) => at >= 0);
        const header = file.subarray(0, lineEnd.length > 0 ? Math.min(...lineEnd) + 1 : file.length);
        const headerAlone = await outcomeOf(Readable.from([header]), mapping, serverLimits);
        const refusals = [expected.refused?.message, headerAlone.refused?.message];
        if (expected.refused) {
          if (!refusals.includes(String(answer.body.text)))
            throw new Error(
              `answered '${String(answer.body.text)}', not the refusal '${expected.refused.message}'`,
            );
        } else {
          const card = cardIn(answer);
          expectSafeCard(card, "the extract's findings card");
          if (!cardText(card).includes(`${expected.rows.length} rows read`))
            throw new Error(`the findings card does not say ${expected.rows.length} rows read`);
        }
        const logged = h.logLines.find((line) => line.includes(cellMarker));
        if (logged) throw new Error(`a log line quotes a cell: ${logged.slice(0, 200)}`);
      });
      await expectEveryDocumentValid(h);
    });
  });
});
