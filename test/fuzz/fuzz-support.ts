/**
 * What the hostile-input suite (`npm run test:fuzz`) shares: its seed and size, the hostile
 * values it generates, the checks every answer must pass, the audit of what was stored, and the
 * figures it prints at the end.
 */
import * as fc from "fast-check";
import { z } from "zod";
import { caseSchema, type Case } from "../../bot/cases/case.js";
import { outboxItemSchema } from "../../bot/outbox/outbox-item.js";
import { importRecordSchema } from "../../bot/pupils/import-record.js";
import { draftSchema } from "../../bot/referrals/draft.js";
import { timelineOf } from "../../bot/reports/case-timeline.js";
import { caseChannelSchema, installedTeamSchema } from "../../bot/settings.js";
import { containerDefinitions } from "../../bot/store/containers.js";
import type { Harness } from "../support/harness.js";

/**
 * The seed: fixed by default, so CI and a reviewer's rerun try the same cases (a failure is a
 * defect, never luck); FUZZ_SEED=<n> replays or explores another, FUZZ_SEED=random takes a new one
 * (printed first, and again on a failure). Kept on globalThis, as the root hooks load their own
 * copy of this module.
 */
const defaultSeed = 851512382;
const seedAsked = process.env.FUZZ_SEED;
export const fuzzSeed: number = ((globalThis as { fuzzSeed?: number }).fuzzSeed ??=
  seedAsked === "random" ? Date.now() % 2 ** 31 : seedAsked ? Number(seedAsked) : defaultSeed);

/** FUZZ_RUNS: the cases the whole suite generates (10,000 by default, CI's form), shared out by weight. */
const totalRuns = Number(process.env.FUZZ_RUNS ?? 10_000);

/** This property's share of the suite's runs (the shares of all properties add up to 1). */
export function runsFor(share: number): number {
  return Math.max(1, Math.round(totalRuns * share));
}

/**
 * A suite's time limit (mocha's, for each test and hook): finite, so a hang fails CI instead of
 * holding it; 5 minutes for starting and checking, and 100 ms a case of its share beyond that.
 */
export function suiteTimeout(share: number): number {
  return 5 * 60_000 + runsFor(share) * 100;
}

/** The longest one request to the server may take: a hung turn fails its case. */
const requestTimeoutMs = 30_000;

/** fast-check's parameters for one property: the suite's seed, offset per property so each draws its own cases. */
export function fuzzParameters(name: string, share: number): fc.Parameters<unknown> {
  let offset = 0;
  for (const char of name) offset = (offset * 31 + char.charCodeAt(0)) % 1_000_003;
  return { seed: fuzzSeed + offset, numRuns: runsFor(share), endOnFailure: true };
}

// ── figures ─────────────────────────────────────────────────────────────────────────────────

/**
 * Kept on globalThis: mocha loads the root hooks (which print them) apart from the suites (which
 * count them), so each has its own copy of this module.
 */
const everywhere = globalThis as { fuzzTally?: Tally };
const tally: Tally = (everywhere.fuzzTally ??= {
  casesByKind: new Map(),
  answersByStatus: new Map(),
  turnTimes: [],
  documentsChecked: 0,
  processFailures: [],
});
interface Tally {
  casesByKind: Map<string, number>;
  answersByStatus: Map<number, number>;
  turnTimes: number[];
  documentsChecked: number;
  processFailures: string[];
}
const { casesByKind, answersByStatus, turnTimes } = tally;

export function countCase(kind: string): void {
  casesByKind.set(kind, (casesByKind.get(kind) ?? 0) + 1);
}

/** The kinds counted so far (a route's kind is its name). */
export function triedRoutes(): Set<string> {
  return new Set(casesByKind.keys());
}

function countAnswer(status: number, ms: number): void {
  answersByStatus.set(status, (answersByStatus.get(status) ?? 0) + 1);
  turnTimes.push(ms);
}

export function figures(): string {
  const sorted = [...turnTimes].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const total = [...casesByKind.values()].reduce((sum, each) => sum + each, 0);
  const kinds = [...casesByKind.entries()].sort(([a], [b]) => a.localeCompare(b));
  const statuses = [...answersByStatus.entries()].sort(([a], [b]) => a - b);
  return [
    `  hostile input (FUZZ_SEED=${fuzzSeed}): ${total} cases generated`,
    ...kinds.map(([kind, count]) => `    ${kind}: ${count}`),
    `  answers by HTTP status: ${statuses.map(([status, count]) => `${status} × ${count}`).join(", ")}`,
    `  turn time: median ${median.toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`,
    `  documents checked against their schemas: ${tally.documentsChecked}`,
  ].join("\n");
}

// ── process-wide failures ───────────────────────────────────────────────────────────────────

/** Unhandled rejections and uncaught exceptions while the suite runs: any one fails it. */
export const processFailures: string[] = tally.processFailures;

export function expectNoProcessFailures(): void {
  if (processFailures.length > 0)
    throw new Error(`the process had ${processFailures.length} unhandled failures: ${processFailures[0]}`);
}

// ── hostile values ──────────────────────────────────────────────────────────────────────────

/** What an expanded `${…}` would show: never on a card (the literal typed text does not contain it). */
export const expansionMarker = "FZEXPANDED";

/** Markup whose rendering would show these words unescaped on a card. */
const markupMarkers = ["<script", "<b>FZB", "[FZLINK](", "**FZBOLD**", "<img"];

const injections = [
  "${concat('FZ','EXPANDED')}",
  "${concat('FZ','EXPANDED',$root.caseId)}",
  "${$root}",
  "${$root.caseId}",
  "${$data}",
  "${if(true, concat('FZ','EXPANDED'), '')}",
  "${string($root)}",
  "${",
  "${}",
  "$${concat('FZ','EXPANDED')}",
  "{{DATE(2017-02-14T06:08:39Z, SHORT)}}",
  "{{concat('FZ','EXPANDED')}}",
];
const markup = [
  "<script>alert('FZ')</script>",
  "<b>FZB</b>",
  "<img src=x onerror=alert(1)>",
  "[FZLINK](javascript:alert(1))",
  "**FZBOLD**",
  "# FZHEAD",
  "- FZLIST",
  "1. FZNUM",
  "`FZCODE`",
  "<at>CME Referrals</at>",
  "&lt;b&gt;",
  "\\*",
];
export const prototypeKeys = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"];
const oddUnicode = [
  "\uD800",
  "\uDFFF",
  "\uDBFF\uD800",
  "\uFFFF",
  "\uFFFE",
  "\u202E",
  "\u202Dgnp.exe",
  "\u0000",
  "\u0007",
  "\u200B",
  "e\u0301\u0301\u0301",
  "😀",
  "\r\n",
  "\t",
];

const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...injections) },
  { weight: 3, arbitrary: fc.constantFrom(...markup) },
  { weight: 1, arbitrary: fc.constantFrom(...prototypeKeys) },
  { weight: 3, arbitrary: fc.constantFrom(...oddUnicode) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("refer", "case", "CME-2026-00001", "help", "yes", "2026-11-02", " "),
  },
);

/** A string people might type, or that a hostile client sends: injections, markup, odd Unicode, sometimes huge. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fragment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join("")) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(201, 257, 1001, 5_000, 30_000, 100_000), fragment)
      .map(([length, start]) => (start + "y".repeat(length)).slice(0, length)),
  },
);

/** A value nested `depth` deep, as an object or an array. */
function nested(depth: number, asArray: boolean): unknown {
  let value: unknown = "FZdeep";
  for (let level = 0; level < depth; level += 1) value = asArray ? [value] : { a: value };
  return value;
}

/** An object with an own key (a prototype key stays an own key through JSON.stringify). */
export function withOwnKey(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** Any JSON value of a wrong or hostile kind: other types, nesting, arrays for objects, prototype keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.integer(),
      fc.constantFrom(-1, 0, 1e12, 1.5, Number.MAX_SAFE_INTEGER),
      fc.boolean(),
      fc.constant(null),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [1, "a"], ["CME-2026-00001"]) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(2, 50, 2_000), fc.boolean())
      .map(([depth, array]) => nested(depth, array)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...prototypeKeys), hostileString)
      .map(([key, value]) => withOwnKey({}, key, { polluted: value })),
  },
);

// ── answers ─────────────────────────────────────────────────────────────────────────────────

/** Every TextBlock's text and every fact of a card: what Teams reads as markdown. */
export function markdownOn(card: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.type === "TextBlock" && typeof record.text === "string") found.push(record.text);
      if (record.type === "FactSet" && Array.isArray(record.facts))
        for (const fact of record.facts as { title?: unknown; value?: unknown }[])
          found.push(String(fact.title), String(fact.value));
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** A card the bot drew: no injected template expanded anywhere in it, no typed markup rendered as markup. */
export function expectSafeCard(card: unknown, where: string): void {
  const whole = JSON.stringify(card);
  if (whole.includes(expansionMarker)) throw new Error(`${where}: a typed \${…} was expanded on a card`);
  for (const text of markdownOn(card)) {
    const rendered = markupMarkers.find((marker) => text.includes(marker));
    if (rendered)
      throw new Error(`${where}: typed markup '${rendered}' is rendered on a card: ${text.slice(0, 200)}`);
  }
}

function cardsIn(activity: Record<string, unknown>): unknown[] {
  const attachments = activity.attachments as { contentType?: string; content?: unknown }[] | undefined;
  return (attachments ?? [])
    .filter((each) => each.contentType === "application/vnd.microsoft.card.adaptive")
    .map((each) => each.content);
}

export interface Sent {
  readonly activity: Record<string, unknown>;
  /** The raw body, when it must carry what JSON.stringify of the activity cannot (it is sent as is). */
  readonly raw?: string;
}

export interface Answer {
  readonly status: number;
  readonly body: unknown;
  /** What the bot sent Teams during the turn that answers it (its replies). */
  readonly replies: readonly Record<string, unknown>[];
}

/**
 * Sends one activity to the real server, times it, and gathers the answer: the HTTP status and
 * body, and the replies the bot sent in that turn (replying to this activity's id). Every card the
 * bot sent meanwhile (channel posts from the outbox too) is checked for injection.
 */
export async function sendTimed(h: Harness, { activity, raw }: Sent): Promise<Answer> {
  const before = h.teams.sent.length;
  const started = performance.now();
  const response = await fetch(`${h.app.url}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ?? JSON.stringify(activity),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const text = await response.text();
  countAnswer(response.status, performance.now() - started);
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (process.env.FUZZ_DEBUG) {
    const b = body as { type?: string; value?: unknown } | undefined;
    console.log(
      "ANSWER",
      String(activity.name ?? activity.type),
      b?.type === "application/vnd.microsoft.activity.message"
        ? String(b.value).slice(0, 70)
        : (b?.type ?? "-"),
    );
  }
  const sent = h.teams.sent.slice(before);
  for (const each of sent)
    for (const card of cardsIn(each.body)) expectSafeCard(card, "a card sent to Teams");
  const id = activity.id;
  const replies = sent
    // An activity without an id of its own (a mutation took it) is answered by whatever the turn sent.
    .filter((each) => typeof id !== "string" || each.body.replyToId === id)
    .map((each) => each.body);
  return { status: response.status, body, replies };
}

/**
 * The checks every hostile case must pass: never a 5xx; a 4xx is an answer; an invoke answers
 * with a card or words; a message is answered in the chat with words or a card.
 */
export function expectClearAnswer(sent: Sent, answer: Answer): void {
  const { activity } = sent;
  const what = `${JSON.stringify(activity.type)} ${JSON.stringify(activity.name ?? "")} (${(sent.raw ?? JSON.stringify(activity)).slice(0, 600)})`;
  if (answer.status >= 500) throw new Error(`${what}: answered ${answer.status}`);
  if (answer.status >= 400) return;
  if (activity.type === "invoke" && activity.name === "adaptiveCard/action") {
    const body = answer.body as { type?: string; value?: unknown } | undefined;
    if (body?.type === "application/vnd.microsoft.card.adaptive") {
      expectSafeCard(body.value, what);
      return;
    }
    if (body?.type === "application/vnd.microsoft.activity.message" && typeof body.value === "string") {
      if (body.value.trim().length < 10) throw new Error(`${what}: answered with '${body.value}'`);
      return;
    }
    // An invoke refused as a whole (a tenant not allowed) is answered with its error.
    if ((answer.body as { statusCode?: number } | undefined)?.statusCode === 403) return;
    throw new Error(
      `${what}: answered ${answer.status} without a card or words: ${JSON.stringify(body)?.slice(0, 200)}`,
    );
  }
  if (activity.type === "message" || (activity.type === "invoke" && activity.name === "fileConsent/invoke")) {
    const clear = answer.replies.some(
      (reply) =>
        (typeof reply.text === "string" && reply.text.trim().length >= 10) || cardsIn(reply).length > 0,
    );
    if (!clear) throw new Error(`${what}: answered ${answer.status} and said nothing in the chat`);
  }
}

// ── what was stored ─────────────────────────────────────────────────────────────────────────

/** Settings documents by their id's prefix: the schema each is written through (`bot/settings.ts`, the store). */
const settingsSchemas: readonly [RegExp, z.ZodType][] = [
  [/^case-channel$/, caseChannelSchema],
  [/^team\|/, installedTeamSchema],
  [/^import\|/, importRecordSchema],
  [/^sequence\|/, z.object({ value: z.int().min(1) })],
  [/^lease\|/, z.object({ holder: z.string(), until: z.iso.datetime() })],
  [/^digest-last$/, z.object({ date: z.iso.date() })],
];

const containerSchemas: Record<string, (document: { id: string }) => z.ZodType | undefined> = {
  cases: () => caseSchema,
  drafts: () => draftSchema,
  outbox: () => outboxItemSchema,
  settings: ({ id }) => settingsSchemas.find(([pattern]) => pattern.test(id))?.[1],
};

/** A key no stored document may hold at any level: it came from someone's input, not from a schema. */
function prototypeKeyIn(value: unknown, path = ""): string | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = prototypeKeyIn(item, `${path}.${index}`);
      if (found) return found;
    }
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (prototypeKeys.slice(0, 3).includes(key)) return `${path}.${key}`;
      const found = prototypeKeyIn(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Where a stored document differs from what it should be (its parse and the store's own fields):
 * a key no schema knows (a z.object strips it, so a parse alone passes it) or a value the parse
 * changed. Keys the parse adds are the schema's defaults (a case's empty logs, a draft's typed words).
 */
function differenceFromParse(stored: unknown, parsed: unknown, path = ""): string | undefined {
  if (stored && typeof stored === "object" && parsed && typeof parsed === "object") {
    if (Array.isArray(stored) !== Array.isArray(parsed)) return `${path || "the document"} changed kind`;
    if (Array.isArray(stored) && stored.length !== (parsed as unknown[]).length)
      return `${path} changed length`;
    for (const [key, item] of Object.entries(stored)) {
      if (!Object.hasOwn(parsed, key)) return `${path}.${key} is not in the schema`;
      const found = differenceFromParse(item, (parsed as Record<string, unknown>)[key], `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(stored, parsed) ? undefined : `${path} is not as the schema reads it`;
}

/** Cosmos' own fields on every document, not the bot's. */
const cosmosFields = new Set(["_rid", "_self", "_etag", "_attachments", "_ts"]);

/**
 * The fields the store writes beside a document's schema: its id (settings' schemas leave it out),
 * the time a write in a turn must land by (bot/store/deadline.ts) and, for a draft, where the
 * wizard stood before it (bot/store/draft-store.ts), and a case's timeline, derived from the case
 * for the reports (bot/store/case-store.ts).
 */
function storeFields(
  name: string,
  stored: Record<string, unknown>,
  parsed: unknown,
): Record<string, unknown> {
  const landBy = z.iso.datetime().safeParse(stored.mustLandBy);
  const undo = draftSchema.pick({ step: true, version: true, editing: true }).safeParse(stored.undo);
  return {
    id: stored.id,
    ...(landBy.success ? { mustLandBy: landBy.data } : {}),
    ...(name === "drafts" && undo.success ? { undo: undo.data } : {}),
    ...(name === "cases" ? { timeline: timelineOf(parsed as Case) } : {}),
  };
}

/** A document's problems: no schema for it, a failed parse, a difference from its parse, a prototype key. */
function problemsOf(name: string, document: { id: string }): string[] {
  const schema = containerSchemas[name]?.(document);
  if (!schema) return [`${name}: a document of no known kind`];
  const problems: string[] = [];
  const own = Object.fromEntries(Object.entries(document).filter(([key]) => !cosmosFields.has(key)));
  const parsed = schema.safeParse(own);
  if (!parsed.success)
    problems.push(`${name}: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
  else {
    const expected = { ...(parsed.data as object), ...storeFields(name, own, parsed.data) };
    const difference = differenceFromParse(own, expected);
    if (difference) problems.push(`${name}: ${difference}`);
  }
  const key = prototypeKeyIn(document);
  if (key) problems.push(`${name}: a prototype key stored at ${key}`);
  return problems;
}

function expectNoProblems(problems: readonly string[], checked: number): void {
  tally.documentsChecked += checked;
  if (problems.length > 0)
    throw new Error(
      `${problems.length} stored documents fail their schema: ${problems.slice(0, 5).join("; ")}`,
    );
}

/** Reads every document of every container straight from Cosmos and checks each against its schema. */
export async function expectEveryDocumentValid(h: Harness): Promise<number> {
  const problems: string[] = [];
  let checked = 0;
  for (const name of Object.keys(containerDefinitions)) {
    if (!containerSchemas[name]) throw new Error(`no schema is known for the container ${name}`);
    const { resources } = await h.storeContainer(name).items.readAll<{ id: string }>().fetchAll();
    for (const document of resources) {
      checked += 1;
      problems.push(...problemsOf(name, document));
    }
  }
  expectNoProblems(problems, checked);
  return checked;
}

/** Checks the documents a run may have written (by container, id and partition key), those that exist. */
export async function expectDocumentsValid(
  h: Harness,
  documents: readonly { container: string; id: string; key: string }[],
): Promise<void> {
  const problems: string[] = [];
  let checked = 0;
  for (const { container, id, key } of documents) {
    const { resource } = await h.storeContainer(container).item(id, key).read<{ id: string }>();
    if (!resource) continue;
    checked += 1;
    problems.push(...problemsOf(container, resource));
  }
  expectNoProblems(problems, checked);
}

/** A counterexample as words, cut short: fast-check's own report recurses into a value nested 2,000 deep and overflows the stack, hiding the failure. */
function shortly(value: unknown): string {
  const seen = new WeakSet<object>();
  const text = (item: unknown, depth: number): string => {
    if (typeof item === "string") return JSON.stringify(item.length > 200 ? `${item.slice(0, 200)}…` : item);
    if (item === null || typeof item !== "object") return String(item);
    if (depth > 6 || seen.has(item)) return Array.isArray(item) ? "[…]" : "{…}";
    seen.add(item);
    if (Array.isArray(item))
      return `[${item
        .slice(0, 10)
        .map((each) => text(each, depth + 1))
        .join(", ")}]`;
    const entries = Object.entries(item).slice(0, 20);
    return `{${entries.map(([key, each]) => `${JSON.stringify(key)}: ${text(each, depth + 1)}`).join(", ")}}`;
  };
  const shown = text(value, 0);
  return shown.length > 4000 ? `${shown.slice(0, 2000)} … ${shown.slice(-2000)}` : shown;
}

/** Runs a property over the real server; a failure names the seed that replays it, what failed and on what. */
export async function holds<T>(
  name: string,
  share: number,
  cases: fc.Arbitrary<T>,
  each: (value: T) => Promise<void>,
): Promise<void> {
  const details = await fc.check(
    fc.asyncProperty(cases, async (value) => {
      await each(value);
      expectNoProcessFailures();
    }),
    fuzzParameters(name, share),
  );
  if (!details.failed) return;
  const failure = details.errorInstance;
  const message = failure instanceof Error ? failure.message : String(failure);
  const cause =
    failure instanceof Error && failure.cause instanceof Error ? `\n${failure.cause.message}` : "";
  throw new Error(
    `${name} failed: rerun with FUZZ_SEED=${fuzzSeed}\n${message}${cause}\non: ${shortly(details.counterexample)}`,
  );
}
