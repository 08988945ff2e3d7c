import type { Attachment } from "botbuilder";
import type { Case } from "../cases/case.js";
import { canWorkCases } from "../people/roles.js";
import { subjectAccessExportFor } from "../cases/subject-access.js";
import type { Person } from "../shared/person.js";
import type { Services } from "../services.js";
import { referrerOf } from "./actor.js";
import { fileConsentCard, personOf, type FileMaker, type OfferedFile } from "./file-offers.js";
import type { Turn } from "./route.js";
import { caseReferencePattern } from "../shared/case-reference.js";

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
  const sources = { cases: services.cases, outbox: services.outboxStore };
  const { document, shares } = await subjectAccessExportFor(sources, current, by, now);
  return {
    name: `${reference}-subject-access.json`,
    description: `Everything held about the child of ${reference}, for a subject access request. Accepting records it as a share on the child's cases.`,
    fileType: "json",
    body: Buffer.from(JSON.stringify(document, null, 2)),
    shares,
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
