import * as fc from "fast-check";
import {
  cardAction,
  channelMessage,
  people,
  personalMessage,
  startHarness,
  teamMembersUpdate,
  tenantId,
  type Harness,
} from "../support/harness.js";
import {
  countCase,
  expectClearAnswer,
  expectEveryDocumentValid,
  holds,
  hostileString,
  hostileValue,
  prototypeKeys,
  sendTimed,
  suiteTimeout,
  withOwnKey,
} from "./fuzz-support.js";

type Json = Record<string, unknown>;
type Path = readonly string[];

/** Every path to a value in an activity (objects and arrays alike), the activity itself first. */
function pathsOf(value: unknown, path: Path = []): Path[] {
  const found: Path[] = [path];
  if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) found.push(...pathsOf(item, [...path, key]));
  return found;
}

const replyAddress = ["serviceUrl", "conversation.id", "id"];

/** What one mutation does at a path of the activity. */
type Change =
  | { readonly op: "delete" }
  | { readonly op: "set"; readonly value: unknown }
  | { readonly op: "array-for-object" }
  | { readonly op: "add-key"; readonly key: string; readonly value: unknown };

const activityTypes = [
  "message",
  "invoke",
  "conversationUpdate",
  "installationUpdate",
  "messageReaction",
  "messageUpdate",
  "messageDelete",
  "typing",
  "event",
  "endOfConversation",
  "unknownType",
];
const invokeNames = [
  "adaptiveCard/action",
  "fileConsent/invoke",
  "composeExtension/query",
  "task/fetch",
  "task/submit",
  "signin/verifyState",
  "actionableMessage/executeAction",
  "config/fetch",
  "application/search",
  "healthCheck",
  "x",
];

const change: fc.Arbitrary<Change> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ op: "delete" as const }) },
  { weight: 5, arbitrary: hostileValue.map((value) => ({ op: "set" as const, value })) },
  { weight: 1, arbitrary: fc.constant({ op: "array-for-object" as const }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.oneof(
          fc.constantFrom(...prototypeKeys),
          hostileString.map((key) => key.slice(0, 40)),
        ),
        hostileValue,
      )
      .map(([key, value]) => ({ op: "add-key" as const, key, value })),
  },
  { weight: 1, arbitrary: fc.constantFrom(...activityTypes).map((value) => ({ op: "set" as const, value })) },
  { weight: 1, arbitrary: fc.constantFrom(...invokeNames).map((value) => ({ op: "set" as const, value })) },
);

/** The activity with the change at the path (a path whose parent a change before removed is left alone). */
function changed(activity: Json, path: Path, what: Change): void {
  // Where the reply goes: an address Teams does not know makes Teams refuse the reply (a 500, as
  // in hostile-input.test.ts), which says nothing of the bot; a value that is no address is still tried.
  if (replyAddress.includes(path.join(".")) && what.op === "set" && typeof what.value === "string") return;
  if (path.length === 0) {
    if (what.op === "add-key") withOwnKey(activity, what.key, what.value);
    return;
  }
  let parent: unknown = activity;
  for (const key of path.slice(0, -1)) {
    parent = parent && typeof parent === "object" ? (parent as Json)[key] : undefined;
  }
  if (!parent || typeof parent !== "object") return;
  const holder = parent as Json;
  const key = path.at(-1)!;
  if (!Object.hasOwn(holder, key)) return;
  if (what.op === "delete") delete holder[key];
  else if (what.op === "set") withOwnKey(holder, key, what.value);
  else if (what.op === "array-for-object") withOwnKey(holder, key, [holder[key]]);
  else {
    const target = holder[key];
    if (target && typeof target === "object") withOwnKey(target as Json, what.key, what.value);
    else withOwnKey(holder, what.key, what.value);
  }
}

describe("hostile input, generated: malformed and oversized activities", function () {
  this.timeout(suiteTimeout(0.25));
  let h: Harness;
  before(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: tenantId, MESSAGES_PER_SECOND: "100000" });
  });
  after(() => h.close());

  /** Well-formed activities of every kind the bot reads, each a starting point for the mutations. */
  const bases = (): Json[] => [
    personalMessage(h.teams, people.dsl, "help"),
    personalMessage(h.teams, people.dsl, "refer school"),
    personalMessage(h.teams, people.officer, "case CME-2026-00001"),
    channelMessage(h.teams, people.manager, "status"),
    cardAction(h.teams, people.dsl, "personal", "referral.start", { kind: "school-age" }),
    cardAction(h.teams, people.officer, "channel", "case.refresh", { caseId: "CME-2026-00001" }),
    cardAction(h.teams, people.officer, "channel", "case.addNote", {
      caseId: "CME-2026-00001",
      revision: 1,
      "addNote.note": "a note",
    }),
    {
      ...personalMessage(h.teams, people.officer, ""),
      type: "invoke",
      name: "fileConsent/invoke",
      value: { action: "decline", context: { kind: "export", reference: "CME-2026-00001" } },
    },
    teamMembersUpdate(h.teams, "act-members", { membersAdded: [{ id: "28:cme-bot" }] }, "teamMemberAdded"),
    { ...personalMessage(h.teams, people.dsl, ""), type: "installationUpdate", action: "add" },
    {
      ...personalMessage(h.teams, people.dsl, ""),
      type: "messageReaction",
      reactionsAdded: [{ type: "like" }],
    },
    { ...personalMessage(h.teams, people.dsl, ""), type: "typing" },
  ];

  it("answers every one with a 4xx or a clear answer, never a 5xx, and stores only valid documents", async () => {
    const cases = fc.record({
      base: fc.nat(),
      changes: fc.array(fc.tuple(fc.nat(), change), { minLength: 1, maxLength: 4 }),
    });
    await holds("activities", 0.25, cases, async ({ base, changes }) => {
      const all = bases();
      const activity = structuredClone(all[base % all.length]!);
      countCase(`activity: ${String(activity.type)}`);
      for (const [pick, what] of changes) {
        const paths = pathsOf(activity);
        changed(activity, paths[pick % paths.length]!, what);
      }
      const sent = { activity };
      expectClearAnswer(sent, await sendTimed(h, sent));
    });
    await expectEveryDocumentValid(h);
  });
});
