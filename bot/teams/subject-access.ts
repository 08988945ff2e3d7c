import type { Attachment } from "botbuilder";
import { canWorkCases } from "../people/roles.js";
import { subjectAccessExport } from "../cases/subject-access.js";
import type { Services } from "../services.js";
import type { Case } from "../cases/case.js";
import type { Person } from "../people/person.js";
import { referrerOf } from "./actor.js";
import { caseReferencePattern } from "./case-actions.js";
import type { Turn } from "./route.js";
import { fileConsentCard, personOf, type FileMaker, type OfferedFile } from "./file-offers.js";

/**
 * `export CME-…`: Teams asks the person where to save the file (a file consent card); the export
 * is made, uploaded and recorded as a share only when they accept.
 */
export async function exportOffer({ services, context }: Turn, current: Case): Promise<Attachment> {
  const file = await exportFile(services, current, referrerOf(context), services.now());
  return fileConsentCard(file, { kind: "export", reference: current.id });
}

/** Everything held about the child of a case, as the JSON file the export saves. */
async function exportFile(services: Services, current: Case, by: Person, now: Date): Promise<OfferedFile> {
  const reference = current.id;
  const cases = await services.cases.forChild(current.matchKeys);
  const messages = (await Promise.all(cases.map((each) => services.outboxStore.aboutCase(each.id)))).flat();
  const strip = <T extends object>(document: T) =>
    Object.fromEntries(Object.entries(document).filter(([key]) => !key.startsWith("_"))) as T;
  return {
    name: `${reference}-subject-access.json`,
    description: `Everything held about the child of ${reference}, for a subject access request. Accepting records it as a share on the child's cases.`,
    fileType: "json",
    body: Buffer.from(
      JSON.stringify(subjectAccessExport(reference, cases.map(strip), messages.map(strip), by, now), null, 2),
    ),
    shares: {
      references: cases.map((each) => each.id),
      sharedWith: "subject access request (export)",
      why: `requested for ${reference}`,
    },
  };
}

/** The export, made again when the person accepts: their role checked again, the case read fresh. */
export const subjectAccessFile: FileMaker<{ kind: "export"; reference: string }> = {
  async make(services, actor, { reference }, now) {
    const current = caseReferencePattern.test(reference) ? await services.cases.get(reference) : undefined;
    if (!canWorkCases(actor) || !current)
      return "I can't make that export (the case or your role could not be confirmed). Nothing was shared.";
    return exportFile(services, current, personOf(actor), now);
  },
  declined: "Not exported: nothing was shared.",
  uploadFailed: "I couldn't save the export to your OneDrive just now. Please say 'export' again.",
};
