import { formatDate, formatDateTime } from "../shared/format.js";
import type { Actor } from "../shared/person.js";
import { riskFactorChoices, vulnerabilityFlagChoices } from "../referrals/questions.js";
import { ageOn, yearGroupOn } from "../referrals/school-age.js";
import { childName, clip, kindChoices, referralSections } from "../referrals/views.js";
import { cutTo } from "../shared/fields.js";
import { urgentTriggerTitles } from "../referrals/urgency.js";
import { canMove, caseInputLimit, refusalFor } from "./actions.js";
import { safeguardingFirst, safeguardingFirstText } from "./safeguarding.js";
import { caseUrgentTriggers } from "../referrals/submitted-referral.js";
import { isExtractReferral, type ExtractReferral } from "../referrals/extract-referral.js";
import { sexChoices } from "../referrals/questions.js";
import {
  referralOnId,
  revisionOf,
  statusTitles,
  type Case,
  type CaseEvent,
  type CaseStatus,
  type InfoRequest,
} from "./case.js";
import {
  dfeReasonChoices,
  jointEnquiriesDecisionChoices,
  officerEnquiryChoices,
  outcomeChoices,
  referralOnChoices,
  referralOnLawfulBasis,
  s2sResultChoices,
  sharedChoices,
} from "./choices.js";
import { titleOf } from "../shared/choice.js";
import { referralKindOf } from "./school-age-conversion.js";
import { latestS2sSearch, movedToAnotherLa, s2sSearchInWords } from "./s2s-search.js";

/** Who referred: the referrer, or the caller and the officer who recorded it for them. */
export function referredBy(current: Case): string {
  if (isExtractReferral(current.referral)) return `Pupil database report, opened by ${current.referrer.name}`;
  const { name, source } = current.referral.referrer;
  if (!source || source === "school-or-setting") return current.referrer.name;
  const from = {
    agency: "an agency",
    public: "a member of the public",
    "another-council": "another council",
  }[source];
  return `${name} (${from}), recorded by ${current.referrer.name}`;
}

const statusTitle = (status: string | undefined) =>
  status && status in statusTitles ? statusTitles[status as CaseStatus] : (status ?? "");

/** One line for an event in the history: what happened, then the detail in the actor's words. */
export function describeEvent(event: CaseEvent): { what: string; detail: string } {
  const detail = event.reason ?? "";
  const move = event.from && event.to ? `${statusTitle(event.from)} → ${statusTitle(event.to)}` : "";
  switch (event.type) {
    case "submitted":
      return { what: "Referral submitted", detail };
    case "further-referral":
      return { what: "Further referral added", detail };
    case "assigned":
      return {
        what: event.from ? `Reassigned from ${event.from} to ${event.to}` : `Assigned to ${event.to}`,
        detail,
      };
    case "unassigned":
      return { what: `Unassigned (was ${event.from})`, detail };
    case "triaged":
      return {
        what: event.from ? `DfE reason changed: ${event.from} → ${event.to}` : `DfE reason: ${event.to}`,
        detail,
      };
    case "status-changed":
      return { what: `Status: ${move}`, detail };
    case "info-requested":
      return { what: "Referrer asked for information", detail };
    case "info-answered":
      return { what: "Referrer answered", detail };
    case "enquiry-logged":
      return { what: "Enquiry logged", detail };
    case "referred-on":
      return { what: `Referred on to ${event.to}`, detail };
    case "note":
      return { what: "Note", detail };
    case "closure-requested":
      return { what: `Closure asked for: ${event.to} (needs a manager's sign-off)`, detail };
    case "closure-declined":
      return { what: `Closure not signed off (${event.from})`, detail };
    case "closed":
      return { what: `Closed (was ${statusTitle(event.from)})`, detail };
    case "reopened":
      return { what: "Reopened", detail };
    case "shared":
      return { what: `Shared: ${event.to}`, detail };
    case "anonymised":
      return { what: "Personal details removed (retention)", detail };
    case "joint-enquiries-decided":
      return { what: `Joint enquiries decision: ${event.to}`, detail };
    case "priority-changed":
      return { what: `Priority: ${event.from} → ${event.to}`, detail };
    case "referral-on-outcome":
      return {
        what: `Referral on's outcome ${event.from ? "changed" : "recorded"}: ${detail}`,
        detail: event.from ? `${event.from} → ${event.to ?? ""}` : (event.to ?? ""),
      };
    case "reached-school-age":
      return { what: "Became a school-age case (was early years)", detail };
  }
}

const dayMs = 86_400_000;

function riskFlags(current: Case): string {
  // An extract row says nothing of risk: the officer finds out.
  if (isExtractReferral(current.referral)) return "None given";
  const vulnerability = current.referral.vulnerability;
  const titles = [
    ...vulnerability.flags.map((flag) => titleOf(vulnerabilityFlagChoices, flag)),
    ...vulnerability.riskFactors.map((factor) => titleOf(riskFactorChoices, factor)),
  ];
  return [...new Set(titles)].join(", ") || "None given";
}

/** What a person looking at the channel card may do there. */
export type CardViewer =
  | { readonly kind: "everyone" }
  | {
      readonly kind: "team";
      readonly actor: Actor;
      readonly officers: readonly { id: string; aadObjectId?: string | undefined; name: string }[];
    };

export interface CaseCardOptions {
  readonly viewer?: CardViewer;
  /** What the person had typed in the card's forms (shown again when their action was refused as stale). */
  readonly typed?: Readonly<Record<string, unknown>>;
  /** Team members whose Teams refreshes the card into their own working view (at most 60). */
  readonly refreshUserIds?: readonly string[];
  readonly notice?: string;
  /** The escalation state in words (what is overdue, the next clock), from the policy's clocks. */
  readonly clocks?: { readonly overdue: string; readonly next: string };
  /** Whom to call at Children's Social Care (configuration), for the safeguarding-first banner. */
  readonly childrensDuty?: string;
}

/** The referrals on whose outcome the card offers to record or change: the latest few (the card has 28 KB). */
const referralsOnOffered = 6;

/**
 * The channel card: what the team needs to pick a case up and work it. No address, phone or
 * date of birth: the channel is wider than the people who need those (Details shows them to
 * officers). Everyone sees the summary; a team member's own view adds the actions their role allows.
 */
export function caseChannelView(current: Case, today: string, options: CaseCardOptions = {}) {
  const { child, school, whatHappened } = current.referral;
  const viewer = options.viewer ?? { kind: "everyone" };
  const actor = viewer.kind === "team" ? viewer.actor : undefined;
  const may = (name: Parameters<typeof refusalFor>[0]) =>
    actor !== undefined && !refusalFor(name, current, actor);
  const open = current.status !== "closed";
  const lastEvent = current.events.at(-1);
  const last = lastEvent ? describeEvent(lastEvent) : undefined;
  const statusChoices = (["in_progress", "located", "tracking"] as const)
    .filter((status) => canMove(current.status, status) && current.status !== "new")
    .map((status) => ({ value: status, title: statusTitles[status] }));
  const closeChoices = outcomeChoices
    .filter((outcome) => current.kind === "early-years" || !outcome.earlyYearsOnly)
    .filter((outcome) => current.status !== "new" || outcome.value === "not-cme")
    .map(({ value, title }) => ({ value, title }));
  const revision = revisionOf(current);
  const first = safeguardingFirst(current);
  const canRecord = may("logEnquiry") && open;
  // Children's Social Care first; else a child believed moved to another LA goes to its CME officer.
  const movedTo = first ? undefined : movedToAnotherLa(current);
  const otherLa = movedTo?.la ?? "another LA";
  const lastAttended = isExtractReferral(current.referral)
    ? current.referral.school.dateLeft
    : current.referral.school.dateLastAttended;
  const kept = keptInputs(current, lastAttended ?? "", options.typed ?? {}, {
    // The one Refer on form opens ready for whichever applies.
    ...(first ? { "referOn.service": "childrens-social-care", "referOn.date": today } : {}),
    ...(movedTo
      ? {
          "referOn.service": "other-la-cme",
          "referOn.date": today,
          "referOn.why": `Believed moved to ${otherLa}: for ${otherLa}'s CME officer to find the child and confirm their school place.`,
        }
      : {}),
  });
  return {
    reference: current.id,
    revision,
    urgent: current.urgent,
    headline: `${current.kind === "early-years" ? "Early-years" : "School-age"} ${isExtractReferral(current.referral) ? "CME case from the pupil database report" : "CME referral"}${current.reachedSchoolAge ? ` (early years until ${formatDate(current.reachedSchoolAge.on)})` : ""}: ${childName(current.referral)}, age ${ageOn(child.dateOfBirth, today)}, ${yearGroupOn(child.dateOfBirth, today)}`,
    whatHappened: isExtractReferral(current.referral)
      ? current.referral.whatHappened.title
      : titleOf(kindChoices(referralKindOf(current)).whatHappenedChoices, whatHappened.whatHappened),
    placeLabel: referralKindOf(current) === "early-years" ? "Setting" : "School",
    // An extract row may name no current establishment.
    school: school.school ?? "None",
    dateLastAttended: isExtractReferral(current.referral)
      ? lastAttended
        ? `Not known (left ${formatDate(lastAttended)}, as the pupil database report says)`
        : "Not known (opened from the pupil database report)"
      : formatDate(lastAttended ?? ""),
    riskFlags: riskFlags(current),
    status:
      statusTitles[current.status] +
      (current.pendingClosure
        ? ` (closing as "${titleOf(outcomeChoices, current.pendingClosure.outcome)}": waiting for a manager's sign-off)`
        : ""),
    // The outcome's name only: its detail (where the child lives now) is for Details and History.
    outcome: current.closure ? titleOf(outcomeChoices, current.closure.outcome) : "",
    owner: current.owner ? cardName(current.owner) : "Unassigned",
    dfeReason: current.dfeReason
      ? `${titleOf(dfeReasonChoices, current.dfeReason)}${current.cmeStartDate ? `, CME since ${formatDate(current.cmeStartDate)}` : ""}`
      : "Not recorded yet",
    daysOpen: String(
      Math.max(
        0,
        Math.floor(
          ((current.closure ? new Date(current.closure.at) : new Date(`${today}T12:00:00Z`)).getTime() -
            new Date(current.submittedAt).getTime()) /
            dayMs,
        ),
      ),
    ),
    overdue: options.clocks?.overdue ?? "",
    nextClock: options.clocks?.next ?? "",
    lastActivity:
      lastEvent && last ? `${formatDateTime(lastEvent.at)}, ${cardName(lastEvent.by)}: ${last.what}` : "",
    worked: `${current.enquiryLog.length} enquiries logged, ${current.referralsOn.length} referrals on, ${current.events.length} changes`,
    submittedAt: formatDateTime(current.submittedAt),
    referrer: referredBy(current),
    furtherReferrals: current.furtherReferrals.length,
    enquiriesIncomplete: current.enquiriesIncomplete ? "Referred before all core enquiries were made" : "",
    priority: current.urgent ? `Urgent: ${urgentWhy(current)}` : loweredWhy(current),
    dangerAlert: dangerAlertLine(current),
    canChangePriority: may("changePriority") && open,
    priorityTo: current.urgent ? "routine" : "urgent",
    priorityActionTitle: current.urgent ? "Lower to routine" : "Raise to urgent",
    priorityNow: current.urgent
      ? "This case is urgent: lowering it puts its clocks back to the routine times."
      : "This case is routine: raising it puts its clocks on the urgent times and alerts the managers.",
    notice: [
      options.notice,
      kept.cut.length > 0
        ? `What you typed was longer than allowed, so only its first part is kept in the form: ${kept.cut.join(", ")}.`
        : "",
    ]
      .filter(Boolean)
      .join(" "),
    refreshUserIds: [...(options.refreshUserIds ?? [])].slice(0, 60),
    working: actor !== undefined,
    readOnly: actor === undefined,
    canAssignToMe: may("assignToMe") && open && current.owner?.id !== actor?.id && !current.owner,
    canAssign: may("assignTo") && open,
    canUnassign: may("unassign") && open && current.owner !== undefined,
    // Chosen by Entra object id where Teams gives one (shorter than the Teams id: the card has 28 KB).
    officers: (viewer.kind === "team" ? viewer.officers : []).slice(0, 60).map((officer) => ({
      value: officer.aadObjectId ?? officer.id,
      title: clip(officer.name, 40),
    })),
    canTriage: may("triage") && open,
    triageTitle: current.status === "new" ? "Start enquiries" : "DfE reason",
    dfeReasons: dfeReasonChoices,
    canChangeStatus:
      may("changeStatus") &&
      statusChoices.length > 0 &&
      current.owner !== undefined &&
      !current.pendingClosure,
    statusChoices,
    canAskReferrer:
      may("requestInfo") &&
      canMove(current.status, "info_requested") &&
      !current.pendingClosure &&
      current.referrerConversation !== undefined &&
      (current.referral.referrer.source ?? "school-or-setting") === "school-or-setting",
    canRecord,
    enquiryTypes: officerEnquiryChoices,
    s2sResults: s2sResultChoices,
    lastS2sSearch: lastS2sSearchLine(current),
    services: referralOnChoices,
    safeguardingFirst: first
      ? safeguardingFirstText(first, options.childrensDuty ?? "the Children's Duty")
      : "",
    // One Refer on form: while the banner shows, the banner points to it and it opens ready for CSC.
    referOnTitle: first
      ? "Refer on to Children's Social Care…"
      : movedTo
        ? `Refer on to ${clip(otherLa, 60)}'s CME officer…`
        : "Refer on…",
    sharedChoices,
    lawfulBasis: referralOnLawfulBasis.title,
    canRecordReferralOnOutcome:
      may("referralOnOutcome") && current.referralsOn.length > 0 && current.anonymisedAt === undefined,
    referralsOnOffered: current.referralsOn
      .map((entry, index) => ({
        value: referralOnId(entry, index),
        title: `${titleOf(referralOnChoices, entry.service)}, ${formatDate(entry.date)} (${entry.outcome ? "outcome recorded" : "no outcome yet"})`,
      }))
      .slice(-referralsOnOffered)
      .reverse(),
    today,
    canNote: may("addNote"),
    canClose: may("close") && open && canMove(current.status, "closed") && !current.pendingClosure,
    closeChoices,
    canSignOff: may("signOffClosure") && current.pendingClosure !== undefined,
    canReopen: may("reopen") && !open,
    reopenNeedsTriage: current.dfeReason === undefined,
    jointEnquiries: jointEnquiriesLine(current),
    canDecideJointEnquiries: may("decideJointEnquiries") && open && referralKindOf(current) === "school-age",
    jointEnquiriesChoices: jointEnquiriesDecisionChoices,
    kept: kept.values,
  };
}

/** The latest S2S / Lost Pupil Database search: its date and result (the school and LA shortened: the card has 28 KB). */
function lastS2sSearchLine(current: Case): string {
  const search = latestS2sSearch(current.enquiryLog);
  if (!search) return "";
  const { s2sResult, foundSchool, foundLa } = search;
  return `${formatDate(search.date)}: ${s2sSearchInWords({
    s2sResult,
    ...(foundSchool ? { foundSchool: clip(foundSchool, 30), foundLa: clip(foundLa ?? "", 24) } : {}),
  })}`;
}

/** The joint-enquiries decision in one line (the reason is the officer's words, escaped on the card). */
function jointEnquiriesLine(current: Case): string {
  const decided = current.jointEnquiriesDecision;
  if (!decided) return "";
  const when = `${formatDate(decided.at)}, ${cardName(decided.by)}`;
  const line =
    decided.decision === "keep-open"
      ? `Kept on roll, enquiries go on (${when})`
      : `Deletion agreed with the school under reg 9(1)(${decided.decision === "delete-9-1-h" ? "h" : "i"}) on ${formatDate(decided.agreedOn ?? "")} (${when})`;
  return withReason(line, decided.reason);
}

/** A person's name as the channel card's lines echo it (Entra allows 256 characters; the card has 28 KB). */
const cardName = (person: { readonly name: string }) => clip(person.name, 40);

/**
 * What the card echoes of a person's reason: its first part (the card has 28 KB, and a long reason
 * is there in full in the history); a reason retention removed leaves nothing dangling.
 */
const cardReasonLength = 100;
const withReason = (line: string, reason: string | undefined) =>
  reason ? `${line}: ${clip(reason, cardReasonLength)}` : line;

/** Every input on the case card, by id (`<action>.<field>`), with the words that name it to the person. */
const caseInputLabels = {
  "assignTo.officerId": "the officer",
  "triage.dfeReason": "the DfE reason",
  "triage.cmeStartDate": "the CME start date",
  "changeStatus.to": "the new status",
  "changeStatus.reason": "the reason for the status change",
  "logEnquiry.type": "the kind of enquiry",
  "logEnquiry.date": "the enquiry's date",
  "logEnquiry.s2sResult": "the search's result",
  "logEnquiry.foundSchool": "the school the record is at",
  "logEnquiry.foundLa": "its local authority",
  "logEnquiry.contacted": "who was contacted",
  "logEnquiry.outcome": "the enquiry's outcome",
  "referOn.service": "the service",
  "referOn.date": "the referral's date",
  "referOn.reference": "their reference",
  "referOn.outcome": "the referral's outcome",
  "referOn.shared": "what was shared",
  "referOn.why": "why it was shared",
  "referralOnOutcome.referralOnId": "the referral on",
  "referralOnOutcome.outcome": "the referral on's outcome",
  "requestInfo.question": "the question for the referrer",
  "addNote.note": "the note",
  "close.outcome": "the outcome",
  "close.detail": "where the child is now",
  "declineClosure.reason": "the reason for not signing off",
  "reopen.reason": "the reason for reopening",
  "reopen.dfeReason": "the DfE reason",
  "reopen.cmeStartDate": "the CME start date",
  "decideJointEnquiries.decision": "the joint-enquiries decision",
  "decideJointEnquiries.agreedOn": "the date deletion was agreed",
  "decideJointEnquiries.reason": "why the child stays on roll",
  "changePriority.reason": "the reason for the change of priority",
} as const;

/** Every input on the case card: what it shows when the card opens. */
const caseCardInputs = Object.keys(caseInputLabels) as (keyof typeof caseInputLabels)[];

/**
 * The values the case card's forms open with: what the person typed (kept when their action
 * was refused), each cut to its input's limit, else the case's own values; and the inputs whose
 * words were cut. Keys use `_` for `.` (the templates read them).
 */
function keptInputs(
  current: Case,
  dateLastAttended: string,
  typed: Readonly<Record<string, unknown>>,
  prefilled: Partial<Record<(typeof caseCardInputs)[number], string>> = {},
) {
  const defaults: Partial<Record<(typeof caseCardInputs)[number], string>> = {
    "triage.dfeReason": current.dfeReason ?? "",
    "triage.cmeStartDate": current.cmeStartDate ?? dateLastAttended,
    "reopen.cmeStartDate": current.cmeStartDate ?? dateLastAttended,
    ...prefilled,
  };
  const cut: string[] = [];
  const values = Object.fromEntries(
    caseCardInputs.map((id) => {
      const value = typed[id];
      if (typeof value !== "string") return [id.replace(".", "_"), defaults[id] ?? ""];
      const kept = cutTo(value, caseInputLimit(id));
      if (kept !== value) cut.push(caseInputLabels[id]);
      return [id.replace(".", "_"), kept];
    }),
  );
  return { values, cut };
}

/** History entries keep the person's words whole, up to this many bytes each, so a page stays under 28 KB. */
const historyDetailBytes = 2400;

function clipBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let clipped = text;
  while (Buffer.byteLength(`${clipped}…`) > bytes)
    clipped = clipped.slice(0, Math.floor(clipped.length * 0.9));
  return `${clipped}…`;
}

const historyPageSize = 8;

/**
 * The case's chronology, newest first, a page at a time (a case may have hundreds of changes);
 * each entry's words up to `detailBytes` (less if a page of them would not fit on its card).
 */
export function caseHistoryView(current: Case, page: number, detailBytes = historyDetailBytes) {
  const pages = Math.max(1, Math.ceil(current.events.length / historyPageSize));
  const shown = Math.min(Math.max(0, page), pages - 1);
  const newestFirst = [...current.events].reverse();
  return {
    reference: current.id,
    childName: childName(current.referral),
    page: shown,
    pageLabel: `Page ${shown + 1} of ${pages} (${current.events.length} changes, newest first)`,
    entries: newestFirst.slice(shown * historyPageSize, (shown + 1) * historyPageSize).map((event) => {
      const { what, detail } = describeEvent(event);
      return {
        when: formatDateTime(event.at),
        who: event.by.name,
        what,
        detail: clipBytes(detail, detailBytes),
      };
    }),
    hasNewer: shown > 0,
    newerPage: shown - 1,
    hasOlder: shown < pages - 1,
    olderPage: shown + 1,
  };
}

const yesNo = (value: boolean) => (value ? "Yes" : "No");

/** What an extract row said, as Details shows a referral's sections (only what the row has). */
function extractReferralSections(referral: ExtractReferral, length: number) {
  const facts = (entries: [string, string | undefined][]) =>
    entries.flatMap(([title, value]) => (value ? [{ title, value: clip(value, length) }] : []));
  const { child, school, extract } = referral;
  return [
    {
      title: "From the pupil database report",
      facts: facts([
        ["List", referral.whatHappened.title],
        ["File", `${extract.fileName}, row ${extract.row}`],
        ["Imported", formatDateTime(extract.importedAt)],
      ]),
    },
    {
      title: "Child",
      facts: facts([
        ["Legal forename(s)", child.forenames],
        ["Surname", child.surname],
        ["Date of birth", formatDate(child.dateOfBirth)],
        ["Sex", child.sex && titleOf(sexChoices, child.sex)],
        ["UPN", child.upn],
        ["Address", child.address],
        ["Postcode", child.postcode],
      ]),
    },
    {
      title: "School",
      facts: facts([
        ["Current establishment", school.school ?? "None"],
        ["On roll there", school.onRoll === undefined ? undefined : yesNo(school.onRoll)],
        ["Date left", school.dateLeft && formatDate(school.dateLeft)],
        ["CTF", school.ctf],
        ["Destination school", school.destinationSchool],
      ]),
    },
  ];
}

/** The full referral, for officers and managers only (Details on the case card), each answer up to `length` characters. */
export function caseDetailsView(current: Case, length = 300) {
  return {
    reference: current.id,
    childName: childName(current.referral),
    referrer: referredBy(current),
    submittedAt: formatDateTime(current.submittedAt),
    sections: isExtractReferral(current.referral)
      ? extractReferralSections(current.referral, length)
      : referralSections(referralKindOf(current), current.referral, length),
    enquiriesIncomplete: current.enquiriesIncomplete
      ? `Referred before these core enquiries were made: ${current.enquiriesIncomplete.missing.join(", ")}. Reason given: ${current.enquiriesIncomplete.reason}`
      : "",
    furtherReferrals: current.furtherReferrals.slice(-10).map((further) => ({
      title: `Further referral, ${formatDateTime(further.at)}`,
      value: `${further.referrer.name}: ${titleOf(kindChoices(further.kind).whatHappenedChoices, further.referral.whatHappened.whatHappened)}`,
    })),
    // The latest few, shortened: the history holds every question and answer in full.
    questions: current.infoRequests.slice(-3).map((request) => ({
      title: `Asked ${formatDate(request.askedAt)} by ${request.askedBy.name}`,
      value: clip(
        `${request.question} — ${request.answer === undefined ? "not answered yet" : `answer: ${request.answer}`}`,
        length,
      ),
    })),
  };
}

/** The referrer's notice that their case changed status (their own referral: the child's name is theirs to see). */
export function statusNoticeView(current: Case) {
  return {
    reference: current.id,
    childName: childName(current.referral),
    status: statusTitles[current.status],
    outcome: current.closure ? titleOf(outcomeChoices, current.closure.outcome) : "",
  };
}

/** The CME team's question to the referrer, answered on the card. */
export function infoRequestView(current: Case, request: InfoRequest) {
  return {
    reference: current.id,
    childName: childName(current.referral),
    question: request.question,
    askedBy: request.askedBy.name,
    askedAt: formatDateTime(request.askedAt),
    requestId: request.id,
    answered: request.answer !== undefined,
    answer: request.answer ?? "",
  };
}

/** The latest change of priority an officer made, if any. */
export function lastPriorityChange(current: Case): CaseEvent | undefined {
  return [...current.events].reverse().find((event) => event.type === "priority-changed");
}

/** Why an urgent case is urgent: its referrals' triggers, and an officer's raising with their reason. */
export function urgentWhy(current: Case): string {
  const triggers = urgentTriggerTitles(caseUrgentTriggers(current));
  const change = lastPriorityChange(current);
  const raised = change?.to === "Urgent" ? withReason(`raised by ${cardName(change.by)}`, change.reason) : "";
  return [triggers, raised].filter(Boolean).join("; ") || "raised by an officer";
}

/** Why a case that was urgent is not any more (an officer lowered it), or nothing. */
/** Which immediate-danger alerts reached the team before their referral reached the case: its own, and further referrals'. */
function dangerAlertLine(current: Case): string {
  const own = current.dangerAlert
    ? [
        `The referrer's "immediate danger" alerted the team on ${formatDateTime(current.dangerAlert.at)}, before the referral was submitted`,
      ]
    : [];
  const further = current.furtherReferrals.flatMap((entry) =>
    entry.dangerAlert
      ? [
          `${entry.referrer.name}'s further referral ("immediate danger") alerted the team on ${formatDateTime(entry.dangerAlert.at)}, before it was added to this case`,
        ]
      : [],
  );
  return [...own, ...further].join(". ");
}

function loweredWhy(current: Case): string {
  const change = lastPriorityChange(current);
  return change?.to === "Routine"
    ? withReason(`Routine: lowered by ${cardName(change.by)}`, change.reason)
    : "";
}
