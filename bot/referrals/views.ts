import { formatDate, formatDateTime } from "../people/format.js";
import type { Draft } from "./draft.js";
import { sexChoices, titleOf, whatHappenedChoices, yesNoChoices } from "./questions.js";
import { stepFields, stepOrder, stepTitles, type SchoolAgeAnswers, type StepId } from "./steps.js";
import type { FieldErrors } from "./wizard.js";

/** Card template names for each step; one file per card in cards/. */
export const stepCards: Record<StepId, string> = {
  whatHappened: "referral-step-what-happened",
  child: "referral-step-child",
  school: "referral-step-school",
};

function blankFor(step: StepId): Record<string, string> {
  return Object.fromEntries(stepFields[step].map((field) => [field, ""]));
}

function asStrings(answers: object | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(answers ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, String(value)]),
  );
}

export interface StepViewOptions {
  readonly errors?: FieldErrors;
  /** What the person typed, kept when their answers did not pass. */
  readonly values?: Record<string, string>;
  readonly notice?: string;
  readonly emergencyContacts: string;
}

/** The view model of a wizard step's card: the saved (or just typed) values and a message per wrong field. */
export function stepView(draft: Draft, step: StepId, options: StepViewOptions) {
  const saved = asStrings(draft.answers[step]);
  return {
    draftId: draft.id,
    version: draft.version,
    stepNumber: stepOrder.indexOf(step) + 1,
    stepCount: stepOrder.length + 1,
    notice: options.notice ?? "",
    values: { ...blankFor(step), ...(options.values ?? saved) },
    errors: { ...blankFor(step), ...(options.errors ?? {}) },
    whatHappenedChoices,
    yesNoChoices,
    sexChoices,
    emergencyContacts: options.emergencyContacts,
  };
}

export function childName(answers: Pick<SchoolAgeAnswers, "child">): string {
  const { forenames, surname, knownAs } = answers.child;
  return knownAs ? `${forenames} ${surname} (known as ${knownAs})` : `${forenames} ${surname}`;
}

export function reviewView(draft: Draft, notice = "") {
  const { whatHappened, child, school } = draft.answers;
  const fact = (title: string, value: string | undefined) => ({ title, value: value ?? "" });
  return {
    draftId: draft.id,
    version: draft.version,
    notice,
    urgent: whatHappened?.immediateDanger === "yes",
    sections: [
      {
        title: stepTitles.whatHappened,
        facts: [
          fact("What happened", titleOf(whatHappenedChoices, whatHappened?.whatHappened)),
          ...(whatHappened?.whatHappenedOther ? [fact("Details", whatHappened.whatHappenedOther)] : []),
          fact("Immediate danger", titleOf(yesNoChoices, whatHappened?.immediateDanger)),
        ],
      },
      {
        title: stepTitles.child,
        facts: [
          fact("Name", child ? childName({ child }) : ""),
          fact("Date of birth", child ? formatDate(child.dateOfBirth) : ""),
          fact("Sex", titleOf(sexChoices, child?.sex)),
          fact("Address", child ? `${child.address}, ${child.postcode}` : ""),
        ],
      },
      {
        title: stepTitles.school,
        facts: [
          fact("School", school?.school),
          fact("Last attended", school ? formatDate(school.dateLastAttended) : ""),
        ],
      },
    ],
  };
}

export function submittedView(
  reference: string,
  answers: SchoolAgeAnswers,
  submittedAt: string,
  emergencyContacts: string,
) {
  return {
    reference,
    childName: childName(answers),
    urgent: answers.whatHappened.immediateDanger === "yes",
    submittedAt: formatDateTime(submittedAt),
    emergencyContacts,
  };
}
