import { z } from "zod";
import { personSchema, type Actor, type Person, type Role } from "../shared/person.js";
import {
  choice,
  isoDate,
  lengthLimitOf,
  multiChoice,
  optionalChoice,
  optionalText,
  text,
} from "../shared/fields.js";
import { formatDate } from "../shared/format.js";
import {
  referralOnId,
  statusTitles,
  type Case,
  type CaseEvent,
  type CaseStatus,
  type Closure,
  type JointEnquiriesDecisionRecord,
} from "./case.js";
import {
  dfeReasonChoices,
  jointEnquiriesDecisionChoices,
  officerEnquiryChoices,
  outcomeChoices,
  outcomesNeedingDetail,
  referralOnChoices,
  referralOnLawfulBasis,
  s2sResultChoices,
  sharedChoices,
  type Outcome,
} from "./choices.js";
import { s2sSearchInWords, s2sSearchRefusal } from "./s2s-search.js";
import { titleOf } from "../shared/choice.js";
import { referralKindOf } from "./school-age-conversion.js";

/** The case's state machine: where each status may go next. */
export const nextStatuses: Record<CaseStatus, readonly CaseStatus[]> = {
  new: ["in_progress", "closed"],
  in_progress: ["info_requested", "located", "tracking", "closed"],
  info_requested: ["in_progress"],
  located: ["in_progress", "closed"],
  tracking: ["in_progress", "closed"],
  closed: ["in_progress"],
};

export function canMove(from: CaseStatus, to: CaseStatus): boolean {
  return nextStatuses[from].includes(to);
}

/** What an action may depend on besides the case and the actor. */
export interface ActionContext {
  readonly now: Date;
  /** Today in the UK, YYYY-MM-DD. */
  readonly today: string;
  /** Outcomes a manager must sign off (policy). */
  readonly signOffOutcomes: readonly Outcome[];
}

export type ActionResult =
  { readonly ok: true; readonly case: Case } | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): ActionResult => ({ ok: false, reason });

function withEvents(current: Case, change: Partial<Case>, events: Omit<CaseEvent, "at">[], at: Date): Case {
  return {
    ...current,
    ...change,
    events: [...current.events, ...events.map((event) => ({ at: at.toISOString(), ...event }))],
  };
}

const pastDate = (label: string, today: string) =>
  isoDate(label).refine((value) => value <= today, `The ${label} cannot be in the future`);

const waitingForSignOff = (current: Case) =>
  `${current.id} is waiting for a manager to sign off its closure: they sign it off or send it back first.`;

/** A rule sees who acts (as stored: never their roles) and, separately, the roles they act with. */
type Rule<Input> = (
  current: Case,
  by: Person,
  input: Input,
  roles: ReadonlySet<Role>,
  now: Date,
) => ActionResult;

/** An action: the schema its inputs (from a card) must pass, and the pure rule that applies them. */
function action<S extends z.ZodType>(input: S, apply: Rule<z.output<S>>) {
  return { input, apply };
}

/** Every action on a case, for one moment and policy. */
function actionsFor({ today, signOffOutcomes }: Pick<ActionContext, "today" | "signOffOutcomes">) {
  const statusTitle = (status: CaseStatus) => statusTitles[status];
  const closedRefusal = (current: Case) => (current.status === "closed" ? `${current.id} is closed.` : "");

  const close = (current: Case, closure: Closure, by: Person, now: Date): Case =>
    withEvents(
      current,
      { status: "closed", closure, pendingClosure: undefined },
      [
        {
          by,
          type: "closed",
          from: current.status,
          to: "closed",
          outcome: closure.outcome,
          reason: [titleOf(outcomeChoices, closure.outcome), closure.detail].filter(Boolean).join(": "),
        },
      ],
      now,
    );

  return {
    assignToMe: action(z.object({}), (current, by, _input, _roles, now) => {
      if (current.status === "closed") return refuse(`${current.id} is closed.`);
      if (current.owner?.id === by.id) return refuse(`${current.id} is already yours.`);
      if (current.owner) return refuse(`${current.id} is already assigned to ${current.owner.name}.`);
      return {
        ok: true,
        case: withEvents(current, { owner: by }, [{ by, type: "assigned", to: by.name }], now),
      };
    }),
    assignTo: action(z.object({ officer: personSchema }), (current, by, { officer }, _roles, now) => {
      const closed = closedRefusal(current);
      if (closed) return refuse(closed);
      if (current.owner?.id === officer.id) {
        return refuse(`${current.id} is already assigned to ${officer.name}.`);
      }
      return {
        ok: true,
        case: withEvents(
          current,
          { owner: officer },
          [
            {
              by,
              type: "assigned",
              to: officer.name,
              ...(current.owner ? { from: current.owner.name } : {}),
            },
          ],
          now,
        ),
      };
    }),
    unassign: action(z.object({}), (current, by, _input, _roles, now) => {
      const closed = closedRefusal(current);
      if (closed) return refuse(closed);
      if (!current.owner) return refuse(`${current.id} has no owner.`);
      return {
        ok: true,
        case: withEvents(
          current,
          { owner: undefined },
          [{ by, type: "unassigned", from: current.owner.name }],
          now,
        ),
      };
    }),
    triage: action(
      z.object({
        dfeReason: choice(dfeReasonChoices, "Choose the DfE primary reason"),
        cmeStartDate: pastDate("CME start date", today),
      }),
      (current, by, input, _roles, now) => {
        const closed = closedRefusal(current);
        if (closed) return refuse(closed);
        const events: Omit<CaseEvent, "at">[] = [
          {
            by,
            type: "triaged",
            ...(current.dfeReason ? { from: titleOf(dfeReasonChoices, current.dfeReason) } : {}),
            to: titleOf(dfeReasonChoices, input.dfeReason),
            reason: `CME start date ${formatDate(input.cmeStartDate)}`,
            dfeReason: input.dfeReason,
            cmeStartDate: input.cmeStartDate,
          },
        ];
        const starting = current.status === "new";
        // Whoever starts the enquiries owns the case unless someone already does.
        const owner = current.owner ?? by;
        if (starting && !current.owner) events.push({ by, type: "assigned", to: by.name });
        if (starting) {
          events.push({
            by,
            type: "status-changed",
            from: "new",
            to: "in_progress",
            reason: "triaged",
          });
        }
        return {
          ok: true,
          case: withEvents(
            current,
            { ...input, owner, status: starting ? "in_progress" : current.status },
            events,
            now,
          ),
        };
      },
    ),
    changeStatus: action(
      z.object({
        to: z.enum(["in_progress", "located", "tracking"], { error: "Choose the new status" }),
        reason: text("reason for the change", 500),
      }),
      (current, by, input, _roles, now) => {
        if (current.status === "new") {
          return refuse("Record the DfE reason and CME start date first (Start enquiries).");
        }
        if (current.status === "closed") return refuse(`${current.id} is closed: reopen it, with a reason.`);
        if (!canMove(current.status, input.to)) {
          return refuse(
            `A case that is ${statusTitle(current.status).toLowerCase()} cannot go to ${statusTitle(input.to).toLowerCase()}.`,
          );
        }
        if (!current.owner) return refuse("Assign the case to someone first.");
        if (current.pendingClosure) return refuse(waitingForSignOff(current));
        return {
          ok: true,
          case: withEvents(
            current,
            { status: input.to },
            [{ by, type: "status-changed", from: current.status, to: input.to, reason: input.reason }],
            now,
          ),
        };
      },
    ),
    requestInfo: action(
      z.object({ question: text("question for the referrer", 1000) }),
      (current, by, input, _roles, now) => {
        if (!canMove(current.status, "info_requested")) {
          return refuse("Only a case in progress can be sent back to the referrer.");
        }
        if (current.pendingClosure) return refuse(waitingForSignOff(current));
        const source = current.referral.referrer.source;
        if (source && source !== "school-or-setting") {
          return refuse(
            "This referral was recorded for someone outside Teams: contact them directly and log it as an enquiry.",
          );
        }
        if (!current.referrerConversation) {
          return refuse(
            "I can't reach this referrer in Teams. Contact them directly and log it as an enquiry.",
          );
        }
        const request = {
          id: String(current.infoRequests.length + 1),
          askedAt: now.toISOString(),
          askedBy: by,
          question: input.question,
        };
        return {
          ok: true,
          case: withEvents(
            current,
            { status: "info_requested", infoRequests: [...current.infoRequests, request] },
            [
              {
                by,
                type: "info-requested",
                from: current.status,
                to: "info_requested",
                reason: input.question,
              },
            ],
            now,
          ),
        };
      },
    ),
    answerInfo: action(
      z.object({ requestId: z.string(), answer: text("answer", 2000) }),
      (current, by, input, _roles, now) => {
        const request = current.infoRequests.find((each) => each.id === input.requestId);
        if (!request) return refuse("I can't find that question on the case.");
        if (request.answer !== undefined)
          return refuse("That question has been answered already. Thank you.");
        const infoRequests = current.infoRequests.map((each) =>
          each === request ? { ...each, answer: input.answer, answeredAt: now.toISOString() } : each,
        );
        // Only the answer to the question the case is waiting on takes it back in progress.
        const back = current.status === "info_requested" && request === current.infoRequests.at(-1);
        return {
          ok: true,
          case: withEvents(
            current,
            { infoRequests, ...(back ? { status: "in_progress" as const } : {}) },
            [
              {
                by,
                type: "info-answered",
                ...(back ? { from: "info_requested", to: "in_progress" } : {}),
                reason: input.answer,
              },
            ],
            now,
          ),
        };
      },
    ),
    logEnquiry: action(
      z
        .object({
          type: choice(officerEnquiryChoices, "Choose the kind of enquiry"),
          date: pastDate("date of the enquiry", today),
          contacted: text("person or organisation contacted", 200),
          outcome: text("outcome of the enquiry", 1000),
          // An S2S / Lost Pupil Database search's result (the card sends "" for an input left empty).
          s2sResult: z.preprocess(
            (value) => (value === "" ? undefined : value),
            optionalChoice(s2sResultChoices),
          ),
          foundSchool: optionalText(200),
          foundLa: optionalText(100),
        })
        .superRefine((input, ctx) => {
          const refusal = s2sSearchRefusal(input);
          if (refusal) ctx.addIssue({ code: "custom", message: refusal });
        }),
      (current, by, input, _roles, now) => {
        const closed = closedRefusal(current);
        if (closed) return refuse(closed);
        const { s2sResult, foundSchool, foundLa, ...enquiry } = input;
        const search = s2sResult ? { s2sResult, ...(foundSchool ? { foundSchool, foundLa } : {}) } : {};
        return {
          ok: true,
          case: withEvents(
            current,
            { enquiryLog: [...current.enquiryLog, { at: now.toISOString(), by, ...enquiry, ...search }] },
            [
              {
                by,
                type: "enquiry-logged",
                reason: [
                  `${titleOf(officerEnquiryChoices, input.type)} on ${formatDate(input.date)}, ${input.contacted}`,
                  ...(s2sResult ? [s2sSearchInWords({ s2sResult, foundSchool, foundLa })] : []),
                  input.outcome,
                ].join(": "),
              },
            ],
            now,
          ),
        };
      },
    ),
    referOn: action(
      z.object({
        service: choice(referralOnChoices, "Choose the service"),
        date: pastDate("date of the referral", today),
        shared: multiChoice(sharedChoices).refine((shared) => shared.length > 0, "Say what was shared"),
        why: text("reason it was shared (the purpose)", 500),
        reference: optionalText(100),
        outcome: optionalText(1000),
      }),
      (current, by, input, _roles, now) => {
        const closed = closedRefusal(current);
        if (closed) return refuse(closed);
        const entry = {
          id: String(current.referralsOn.length + 1),
          at: now.toISOString(),
          by,
          service: input.service,
          date: input.date,
          shared: input.shared,
          why: input.why,
          lawfulBasis: referralOnLawfulBasis.value,
          ...(input.reference ? { reference: input.reference } : {}),
          ...(input.outcome ? { outcome: input.outcome } : {}),
        };
        return {
          ok: true,
          case: withEvents(
            current,
            { referralsOn: [...current.referralsOn, entry] },
            [
              {
                by,
                type: "referred-on",
                to: titleOf(referralOnChoices, input.service),
                reason: [
                  [formatDate(input.date), input.reference].filter(Boolean).join(", "),
                  `Shared: ${input.shared.map((each) => titleOf(sharedChoices, each)).join("; ")}`,
                  `Why: ${input.why}`,
                  `Lawful basis: ${referralOnLawfulBasis.title}`,
                  ...(input.outcome ? [`Outcome: ${input.outcome}`] : []),
                ].join(". "),
              },
            ],
            now,
          ),
        };
      },
    ),
    referralOnOutcome: action(
      z.object({
        referralOnId: z
          .string({ error: "Choose the referral on" })
          .regex(/^\d{1,6}$/, "Choose the referral on"),
        outcome: text("outcome of the referral on", 1000),
      }),
      (current, by, input, _roles, now) => {
        if (current.anonymisedAt)
          return refuse(`${current.id}'s personal details have been removed (retention).`);
        const index = current.referralsOn.findIndex(
          (entry, at) => referralOnId(entry, at) === input.referralOnId,
        );
        const entry = current.referralsOn[index];
        if (!entry) return refuse("I can't find that referral on on the case.");
        if (entry.outcome === input.outcome) return refuse("That outcome is recorded already.");
        const referralsOn = current.referralsOn.map((each, at) =>
          at === index ? { ...each, outcome: input.outcome } : each,
        );
        return {
          ok: true,
          case: withEvents(
            current,
            { referralsOn },
            [
              {
                by,
                type: "referral-on-outcome",
                ...(entry.outcome ? { from: entry.outcome } : {}),
                to: input.outcome,
                reason: `${titleOf(referralOnChoices, entry.service)}, referred ${formatDate(entry.date)}`,
              },
            ],
            now,
          ),
        };
      },
    ),
    addNote: action(z.object({ note: text("note", 2000) }), (current, by, input, _roles, now) => {
      return {
        ok: true,
        case: withEvents(current, {}, [{ by, type: "note", reason: input.note }], now),
      };
    }),
    close: action(
      z.object({
        outcome: choice(outcomeChoices, "Choose the outcome"),
        detail: optionalText(1000),
      }),
      (current, by, input, roles, now) => {
        if (current.status === "closed") return refuse(`${current.id} is closed already.`);
        if (current.pendingClosure) return refuse(waitingForSignOff(current));
        if (current.status === "new" && input.outcome !== "not-cme") {
          return refuse(
            "A new case closes only as not CME. Record the DfE reason and start enquiries to close it otherwise.",
          );
        }
        if (!canMove(current.status, "closed")) {
          return refuse(
            "Move the case back to in progress first (the referrer has been asked for information).",
          );
        }
        const earlyYearsOnly = outcomeChoices.find((each) => each.value === input.outcome)?.earlyYearsOnly;
        if (earlyYearsOnly && current.kind !== "early-years") {
          return refuse("That outcome is for early-years cases.");
        }
        if (outcomesNeedingDetail.includes(input.outcome) && !input.detail) {
          return refuse("Say where the child is now and who confirmed it.");
        }
        const closure: Closure = {
          outcome: input.outcome,
          ...(input.detail ? { detail: input.detail } : {}),
          by,
          at: now.toISOString(),
        };
        const needsSignOff = signOffOutcomes.includes(input.outcome);
        if (needsSignOff && !roles.has("manager")) {
          return {
            ok: true,
            case: withEvents(
              current,
              { pendingClosure: closure },
              [
                {
                  by,
                  type: "closure-requested",
                  to: titleOf(outcomeChoices, input.outcome),
                  ...(input.detail ? { reason: input.detail } : {}),
                },
              ],
              now,
            ),
          };
        }
        return {
          ok: true,
          case: close(current, needsSignOff ? { ...closure, signedOffBy: by } : closure, by, now),
        };
      },
    ),
    signOffClosure: action(z.object({}), (current, by, _input, _roles, now) => {
      if (!current.pendingClosure) return refuse(`${current.id} has no closure waiting for sign-off.`);
      if (!canMove(current.status, "closed")) {
        return refuse(
          "Move the case back to in progress first (the referrer has been asked for information).",
        );
      }
      // Closed when signed off (the officer's request is kept beside it): reports and retention count from here.
      const { at: requestedAt, ...requested } = current.pendingClosure;
      return {
        ok: true,
        case: close(current, { ...requested, requestedAt, at: now.toISOString(), signedOffBy: by }, by, now),
      };
    }),
    declineClosure: action(
      z.object({ reason: text("reason for not signing off", 500) }),
      (current, by, input, _roles, now) => {
        if (!current.pendingClosure) return refuse(`${current.id} has no closure waiting for sign-off.`);
        return {
          ok: true,
          case: withEvents(
            current,
            { pendingClosure: undefined },
            [
              {
                by,
                type: "closure-declined",
                from: titleOf(outcomeChoices, current.pendingClosure.outcome),
                reason: input.reason,
              },
            ],
            now,
          ),
        };
      },
    ),
    changePriority: action(
      z.object({
        to: z.enum(["urgent", "routine"], { error: "Choose the new priority" }),
        reason: text("reason for the change of priority", 500),
      }),
      (current, by, input, _roles, now) => {
        const closed = closedRefusal(current);
        if (closed) return refuse(closed);
        const urgent = input.to === "urgent";
        if (current.urgent === urgent)
          return refuse(`${current.id} is already ${urgent ? "urgent" : "routine"}.`);
        const title = (isUrgent: boolean) => (isUrgent ? "Urgent" : "Routine");
        return {
          ok: true,
          case: withEvents(
            current,
            { urgent },
            [
              {
                by,
                type: "priority-changed",
                from: title(current.urgent),
                to: title(urgent),
                reason: input.reason,
              },
            ],
            now,
          ),
        };
      },
    ),
    reopen: action(
      z.object({
        reason: text("reason for reopening", 500),
        dfeReason: choice(dfeReasonChoices, "Choose the DfE primary reason").optional(),
        cmeStartDate: pastDate("CME start date", today).optional(),
      }),
      (current, by, input, _roles, now) => {
        if (current.status !== "closed") return refuse(`${current.id} is not closed.`);
        // A case closed from `new` (not CME) has no DfE reason: an open case must have one.
        const dfeReason = current.dfeReason ?? input.dfeReason;
        const cmeStartDate = current.cmeStartDate ?? input.cmeStartDate;
        if (!dfeReason || !cmeStartDate) {
          return refuse("Record the DfE primary reason and the CME start date to reopen this case.");
        }
        const events: Omit<CaseEvent, "at">[] = [
          {
            by,
            type: "reopened",
            from: "closed",
            to: "in_progress",
            reason: input.reason,
            // A case closed from `new` gets its DfE reason and start date here, not at a triage.
            ...(current.dfeReason ? {} : { dfeReason, cmeStartDate }),
          },
        ];
        if (!current.owner) events.push({ by, type: "assigned", to: by.name });
        return {
          ok: true,
          case: withEvents(
            current,
            {
              status: "in_progress",
              closure: undefined,
              // The joint-enquiries clock restarts: this opening needs its own decision.
              jointEnquiriesDecision: undefined,
              dfeReason,
              cmeStartDate,
              owner: current.owner ?? by,
            },
            events,
            now,
          ),
        };
      },
    ),
    decideJointEnquiries: action(
      z.object({
        decision: choice(jointEnquiriesDecisionChoices, "Choose the decision"),
        agreedOn: z.preprocess(
          (value) => (value === "" ? undefined : value),
          pastDate("date deletion was agreed", today).optional(),
        ),
        reason: optionalText(500),
      }),
      (current, by, input, _roles, now) => {
        const closed = closedRefusal(current);
        if (closed) return refuse(closed);
        if (referralKindOf(current) !== "school-age") {
          return refuse("The joint-enquiries decision is for school-age children on a school's roll.");
        }
        const deleting = input.decision !== "keep-open";
        if (deleting && !input.agreedOn) return refuse("Say the date deletion was agreed with the school.");
        if (!deleting && !input.reason) return refuse("Say why the child stays on roll and enquiries go on.");
        const decision: JointEnquiriesDecisionRecord = {
          decision: input.decision,
          ...(deleting ? { agreedOn: input.agreedOn } : {}),
          // A reason given with a deletion is kept too: it is the officer's record of the decision.
          ...(input.reason ? { reason: input.reason } : {}),
          by,
          at: now.toISOString(),
        };
        return {
          ok: true,
          case: withEvents(
            current,
            { jointEnquiriesDecision: decision },
            [
              {
                by,
                type: "joint-enquiries-decided",
                to: titleOf(jointEnquiriesDecisionChoices, input.decision),
                reason: deleting
                  ? [`Agreed with the school on ${formatDate(input.agreedOn ?? "")}`, input.reason]
                      .filter(Boolean)
                      .join(". ")
                  : input.reason,
              },
            ],
            now,
          ),
        };
      },
    ),
  };
}

/**
 * The actions as of a day and policy, made once a day: their schemas are costly to build (zod
 * compiles each on its first use), and only the day and the policy change them.
 */
let madeFor: { key: string; actions: ReturnType<typeof actionsFor> } | undefined;
function actionsOn({ today, signOffOutcomes }: ActionContext): ReturnType<typeof actionsFor> {
  const key = `${today}|${signOffOutcomes.join(",")}`;
  if (madeFor?.key !== key) madeFor = { key, actions: actionsFor({ today, signOffOutcomes }) };
  return madeFor.actions;
}

export type CaseActionName = keyof ReturnType<typeof actionsFor>;
/** The actions' shapes, which do not depend on the moment or the policy. */
const everyAction = actionsFor({ today: "", signOffOutcomes: [] });
export const caseActionNames = Object.keys(everyAction) as [CaseActionName, ...CaseActionName[]];

/** The fields an action's inputs have (on a card, its inputs are named `<action>.<field>`). */
export function caseActionFields(name: CaseActionName): string[] {
  return Object.keys((everyAction[name].input as z.ZodObject).shape);
}

/** The most characters a case card's input (`<action>.<field>`) may hold, from the action's schema. */
export function caseInputLimit(id: string): number {
  const [name, field] = id.split(".");
  const input = everyAction[name as CaseActionName]?.input as z.ZodObject | undefined;
  return lengthLimitOf(input?.shape[field ?? ""] as z.ZodType | undefined);
}

/**
 * Actions that only add to the case (a note, an enquiry, a referral on) apply to whatever the
 * case is now; the rest change its state and are refused if the card was made before the
 * latest change, so nobody overwrites what they have not seen.
 */
export const appendOnlyActions: ReadonlySet<CaseActionName> = new Set([
  "logEnquiry",
  "referOn",
  "addNote",
  "answerInfo",
]);

const managerActions: ReadonlySet<CaseActionName> = new Set(["signOffClosure", "declineClosure"]);

export const notInCmeTeam =
  "Only CME officers (members of the CME team) can work cases. If you should be one, ask a CME manager to add you to the team.";

export const onlyManagersSignOff = "Only a CME manager can sign off a closure.";

function isReferrer(current: Case, actor: Person): boolean {
  return (
    current.referrer.id === actor.id ||
    (actor.aadObjectId !== undefined && current.referrer.aadObjectId === actor.aadObjectId)
  );
}

/** Who may do what (checked on the server for every action): undefined if allowed, else why not. */
export function refusalFor(name: CaseActionName, current: Case, actor: Actor): string | undefined {
  if (name === "answerInfo") {
    return isReferrer(current, actor) ? undefined : "Only the person who made this referral can answer this.";
  }
  if (managerActions.has(name)) {
    return actor.roles.has("manager") ? undefined : onlyManagersSignOff;
  }
  return actor.roles.has("officer") || actor.roles.has("manager") ? undefined : notInCmeTeam;
}

/** Checks an action's inputs and applies it: the new case, or why not (in words a person can act on). */
export function applyCaseAction(
  name: CaseActionName,
  current: Case,
  actor: Actor,
  input: unknown,
  context: ActionContext,
): ActionResult {
  const chosen = actionsOn(context)[name];
  const parsed = chosen.input.safeParse(input ?? {});
  if (!parsed.success) {
    return refuse(
      `Please check: ${[...new Set(parsed.error.issues.map((issue) => issue.message))].join("; ")}.`,
    );
  }
  const by: Person = {
    id: actor.id,
    name: actor.name,
    ...(actor.aadObjectId ? { aadObjectId: actor.aadObjectId } : {}),
    ...(actor.tenantId ? { tenantId: actor.tenantId } : {}),
  };
  return (chosen.apply as Rule<unknown>)(current, by, parsed.data, actor.roles, context.now);
}
