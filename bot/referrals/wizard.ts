import type { z } from "zod";
import type { PersonalConversation } from "../outbox/outbox-item.js";
import type { Person } from "../shared/person.js";
import { cutTo, lengthLimitOf } from "../shared/fields.js";
import { draftIdFor, type Draft, type ReferralKind } from "./draft.js";
import { frontDoorUnanswered } from "./front-door.js";
import { forms, stepOrder, type GroupSpec, type ReferralForm, type StepId } from "./steps.js";

export type FieldErrors = Record<string, string>;
/** A card's inputs as strings: plain fields by id, repeatable groups as `group.index.field`. */
export type CardValues = Record<string, string>;

export type StepResult =
  | { readonly ok: true; readonly draft: Draft }
  | { readonly ok: false; readonly errors: FieldErrors; readonly values: CardValues };

export function startDraft(
  referrer: Person,
  kind: ReferralKind,
  now: Date,
  typed: Draft["typed"] = {},
  conversation?: PersonalConversation,
): Draft {
  const at = now.toISOString();
  return {
    id: draftIdFor(referrer.id, kind),
    userId: referrer.id,
    kind,
    version: 1,
    step: stepOrder[0] ?? "review",
    answers: {},
    typed,
    groupSizes: {},
    editing: false,
    referrer,
    ...(conversation ? { conversation } : {}),
    createdAt: at,
    updatedAt: at,
  };
}

/** The form (questions, cards, schemas) of a draft's kind. */
export function formOf(draft: Pick<Draft, "kind">): ReferralForm {
  return forms[draft.kind];
}

/** How many rows a repeatable group shows now. */
export function groupSize(draft: Draft, step: StepId, spec: GroupSpec): number {
  const explicit = draft.groupSizes[spec.name];
  if (explicit !== undefined) return explicit;
  const saved = (draft.answers[step] as Record<string, unknown> | undefined)?.[spec.name];
  return Math.max(spec.min, Array.isArray(saved) ? saved.length : 0);
}

/** Reads a card's inputs: only this step's fields and rows, only non-blank strings. */
export function cardValues(draft: Draft, step: StepId, input: Record<string, unknown>): CardValues {
  const form = formOf(draft);
  const values: CardValues = {};
  const keep = (key: string) => {
    const value = input[key];
    if (typeof value === "string" && value.trim().length > 0) values[key] = value;
  };
  form.fields[step].forEach(keep);
  for (const spec of form.groups[step]) {
    for (let index = 0; index < groupSize(draft, step, spec); index += 1) {
      for (const field of spec.fields) keep(`${spec.name}.${index}.${field}`);
    }
  }
  return values;
}

/** How many rows of each of a step's groups a card sent (to show that card again without its draft). */
export function groupSizesSent(
  form: ReferralForm,
  step: StepId,
  input: Record<string, unknown>,
): Draft["groupSizes"] {
  return Object.fromEntries(
    form.groups[step].map((spec) => {
      const rows = Object.keys(input).map(
        (key) => Number(new RegExp(`^${spec.name}\\.(\\d+)\\.`).exec(key)?.[1] ?? -1) + 1,
      );
      return [spec.name, Math.min(spec.max, Math.max(spec.min, ...rows))];
    }),
  );
}

/** The limit of one input: `field`, or `group.index.field` for a row's. */
function lengthLimit(form: ReferralForm, step: StepId, key: string): number {
  const limits = form.lengthLimits[step];
  return limits[key] ?? limits[key.replace(/\.\d+\./, ".")] ?? lengthLimitOf(undefined);
}

/**
 * Card values cut to their inputs' limits (and to `showUpTo` characters, if given), with the keys
 * of those that were cut: nothing longer is saved or shown, so no answer can outgrow its card.
 */
export function withinLimits(
  form: ReferralForm,
  step: StepId,
  values: CardValues,
  showUpTo = Infinity,
): { values: CardValues; cut: string[] } {
  const kept: CardValues = {};
  const cut: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    kept[key] = cutTo(value, Math.min(showUpTo, lengthLimit(form, step, key)));
    if (kept[key] !== value) cut.push(key);
  }
  return { values: kept, cut };
}

/** The inputs on a card typed longer than their limits (cut when kept). */
export function overLimit(draft: Draft, step: StepId, input: Record<string, unknown>): string[] {
  return withinLimits(formOf(draft), step, cardValues(draft, step, input)).cut;
}

/** What is kept of a card's inputs when they are saved unchecked: this step's, each within its limit. */
function keptValues(draft: Draft, step: StepId, input: Record<string, unknown>): CardValues {
  return withinLimits(formOf(draft), step, cardValues(draft, step, input)).values;
}

/** A group's non-blank rows in card order, each with the row index it has on the card. */
function rowsOnCard(spec: GroupSpec, values: CardValues): [number, Record<string, string>][] {
  const rows = new Map<number, Record<string, string>>();
  for (const [key, value] of Object.entries(values)) {
    const match = new RegExp(`^${spec.name}\\.(\\d+)\\.(\\w+)$`).exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    rows.set(index, { ...rows.get(index), [match[2] ?? ""]: value });
  }
  return [...rows.entries()].sort(([a], [b]) => a - b);
}

/** Card values to the shape the step's schema reads: rows become arrays, wholly blank rows are dropped. */
export function toAnswers(form: ReferralForm, step: StepId, values: CardValues): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const field of form.fields[step]) if (values[field] !== undefined) answers[field] = values[field];
  for (const spec of form.groups[step]) answers[spec.name] = rowsOnCard(spec, values).map(([, row]) => row);
  return answers;
}

/** A step's saved answers as card values (the reverse of toAnswers). */
export function fromAnswers(form: ReferralForm, step: StepId, answers: object | undefined): CardValues {
  const values: CardValues = {};
  for (const [key, value] of Object.entries(answers ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value) && form.groups[step].some((spec) => spec.name === key)) {
      (value as Record<string, unknown>[]).forEach((row, index) => {
        for (const [field, fieldValue] of Object.entries(row)) {
          if (typeof fieldValue === "string") values[`${key}.${index}.${field}`] = fieldValue;
        }
      });
    } else {
      values[key] = Array.isArray(value) ? value.join(",") : String(value);
    }
  }
  return values;
}

/** What a step's card shows: what was typed and not yet passed, else what was saved. */
export function currentValues(draft: Draft, step: StepId): CardValues {
  return draft.typed[step] ?? fromAnswers(formOf(draft), step, draft.answers[step]);
}

/**
 * One message per input: `field`, or `group.index.field` for a row (or `group` for the list
 * itself). Blank rows were dropped before checking, so a row's index is mapped back to the card's.
 */
function errorsByField(form: ReferralForm, step: StepId, values: CardValues, error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const [name, position, field] = issue.path;
    const spec = form.groups[step].find((each) => each.name === name);
    let key: string;
    if (issue.path.length === 0) key = "form";
    else if (!spec || typeof position !== "number") key = String(name);
    else {
      const cardIndex = rowsOnCard(spec, values)[position]?.[0] ?? position;
      key = field === undefined ? `${spec.name}.${cardIndex}` : `${spec.name}.${cardIndex}.${String(field)}`;
    }
    errors[key] ??= issue.message;
  }
  return errors;
}

function changed(draft: Draft, now: Date, change: Partial<Draft>): Draft {
  return { ...draft, ...change, version: draft.version + 1, updatedAt: now.toISOString() };
}

function withoutTyped(draft: Draft, step: StepId): Draft["typed"] {
  return Object.fromEntries(Object.entries(draft.typed).filter(([key]) => key !== step));
}

/** Validates one card's answers; on success the draft moves on, otherwise the errors and the person's values come back. */
export function answerStep(
  draft: Draft,
  step: StepId,
  input: Record<string, unknown>,
  today: string,
  now: Date,
): StepResult {
  const form = formOf(draft);
  const values = cardValues(draft, step, input);
  const parsed = form.schemas[step]({ today, answers: draft.answers }).safeParse(
    toAnswers(form, step, values),
  );
  if (!parsed.success) return { ok: false, errors: errorsByField(form, step, values, parsed.error), values };
  const answers = { ...draft.answers, [step]: parsed.data };
  const groupSizes = { ...draft.groupSizes };
  for (const spec of form.groups[step]) delete groupSizes[spec.name];
  const complete = stepOrder.every((each) => answers[each] !== undefined);
  // A draft from before the front-door questions was asked them out of turn: it goes back to where it was.
  const outOfTurn = step === "whatHappened" && draft.step !== step && frontDoorUnanswered(draft);
  return {
    ok: true,
    draft: changed(draft, now, {
      answers,
      typed: withoutTyped(draft, step),
      groupSizes,
      step: outOfTurn
        ? draft.step
        : draft.editing && complete
          ? "review"
          : (stepOrder[stepOrder.indexOf(step) + 1] ?? "review"),
      editing: draft.editing && !complete,
    }),
  };
}

/** Keeps what was typed on a card without checking it (Save for later, or a Next that did not pass). */
export function keepTyped(draft: Draft, step: StepId, input: Record<string, unknown>, now: Date): Draft {
  return changed(draft, now, { typed: { ...draft.typed, [step]: keptValues(draft, step, input) } });
}

function findGroup(draft: Draft, step: StepId, name: string): GroupSpec | undefined {
  return formOf(draft).groups[step].find((spec) => spec.name === name);
}

/** Adds a blank row to a repeatable group, keeping what was typed. */
export function addRow(
  draft: Draft,
  step: StepId,
  name: string,
  input: Record<string, unknown>,
  now: Date,
): Draft {
  const spec = findGroup(draft, step, name);
  if (!spec) return draft;
  const kept = keepTyped(draft, step, input, now);
  const size = Math.min(spec.max, groupSize(draft, step, spec) + 1);
  return { ...kept, groupSizes: { ...kept.groupSizes, [name]: size } };
}

/** Removes one row of a repeatable group, keeping what was typed in the others. */
export function removeRow(
  draft: Draft,
  step: StepId,
  name: string,
  index: number,
  input: Record<string, unknown>,
  now: Date,
): Draft {
  const spec = findGroup(draft, step, name);
  if (!spec) return draft;
  const values = keptValues(draft, step, input);
  const size = groupSize(draft, step, spec);
  const shifted: CardValues = {};
  for (const [key, value] of Object.entries(values)) {
    const match = new RegExp(`^${name}\\.(\\d+)\\.(\\w+)$`).exec(key);
    const row = match ? Number(match[1]) : -1;
    if (!match) shifted[key] = value;
    else if (row < index) shifted[key] = value;
    else if (row > index) shifted[`${name}.${row - 1}.${match[2] ?? ""}`] = value;
  }
  return changed(draft, now, {
    typed: { ...draft.typed, [step]: shifted },
    groupSizes: { ...draft.groupSizes, [name]: Math.max(spec.min, size - 1) },
  });
}

export function goBack(draft: Draft, now: Date): Draft {
  const index = draft.step === "review" ? stepOrder.length : stepOrder.indexOf(draft.step);
  const previous = stepOrder[Math.max(0, index - 1)] ?? draft.step;
  return changed(draft, now, { step: previous, editing: false });
}

/** From the review: change one section, then come back to the review. */
export function editStep(draft: Draft, step: StepId, now: Date): Draft {
  return changed(draft, now, { step, editing: true });
}

/** Every step answered, and the first card's front-door questions too (older drafts lack them). */
export function isComplete(draft: Draft): boolean {
  return stepOrder.every((step) => draft.answers[step] !== undefined) && !frontDoorUnanswered(draft);
}
