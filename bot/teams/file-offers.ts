import type { Attachment, TurnContext } from "botbuilder";
import { recordShares, type FileShares } from "../cases/subject-access.js";
import type { Actor, Person } from "../shared/person.js";
import type { Services } from "../services.js";
import type { FileConsent, FileOfferContext } from "./inbound.js";

/**
 * Files offered in personal chat through Teams' file consent card (an export, a report's CSV,
 * the DfE return): the card's acceptContext names what to make, nothing is kept in between. When
 * the person accepts, their role is checked again, the file made afresh, recorded as a share on
 * every case whose records it holds, uploaded to where Teams said, and shown.
 */

export interface OfferedFile {
  readonly name: string;
  readonly description: string;
  readonly fileType: string;
  readonly body: Buffer;
  /** The cases whose records the file holds (a share is recorded on each), with whom and why. */
  readonly shares: FileShares;
}

/** How one kind of file is made, and what the person is told when it is not. */
export interface FileMaker<Context> {
  /** The file for someone allowed it, or why they get none (a sentence for them). */
  make(services: Services, actor: Actor, context: Context, now: Date): Promise<OfferedFile | string>;
  readonly declined: string;
  readonly uploadFailed: string;
}

export type FileMakers = {
  readonly [Kind in FileOfferContext["kind"]]: FileMaker<Extract<FileOfferContext, { kind: Kind }>>;
};

/** Asks the person where to save a file (Teams' file consent card, personal chat only). */
export function fileConsentCard(file: OfferedFile, accept: FileOfferContext): Attachment {
  return {
    contentType: "application/vnd.microsoft.teams.card.file.consent",
    name: file.name,
    content: {
      description: file.description,
      sizeInBytes: file.body.length,
      acceptContext: accept,
      declineContext: accept,
    },
  };
}

export const personOf = (actor: Actor): Person => ({
  id: actor.id,
  name: actor.name,
  ...(actor.aadObjectId ? { aadObjectId: actor.aadObjectId } : {}),
});

/** The person accepted or declined: make, record, upload and show the file, or say why not. */
export async function answerFileConsent(
  services: Services,
  context: TurnContext,
  consent: FileConsent,
  actor: () => Promise<Actor>,
  makers: FileMakers,
): Promise<void> {
  const offered = consent.context;
  if (consent.action === "decline") {
    await context.sendActivity(offered ? makers[offered.kind].declined : "Not saved: nothing was shared.");
    return;
  }
  const upload = consent.uploadInfo;
  if (!offered || !upload?.uploadUrl) {
    await context.sendActivity("I can't tell which file that was, so nothing was shared. Please ask again.");
    return;
  }
  const maker = makers[offered.kind] as FileMaker<FileOfferContext>;
  const who = await actor();
  const now = services.now();
  const file = await maker.make(services, who, offered, now);
  if (typeof file === "string") {
    await context.sendActivity(file);
    return;
  }
  // The share is recorded before the upload: every file that may exist in someone's OneDrive (an
  // upload that fails may still have landed) has its share on the cases it holds.
  await recordShares(services.cases, file.shares, personOf(who), now);
  const { references } = file.shares;
  try {
    const uploaded = await fetch(upload.uploadUrl, {
      method: "PUT",
      headers: {
        "content-length": String(file.body.length),
        "content-range": `bytes 0-${file.body.length - 1}/${file.body.length}`,
      },
      body: file.body,
      signal: AbortSignal.timeout(30_000),
    });
    if (!uploaded.ok) throw new Error(`the upload answered ${uploaded.status}`);
  } catch {
    await context.sendActivity(
      references.length
        ? `${maker.uploadFailed} The share stays on the cases' history, as part of the file may have been saved: delete it if you find it in your OneDrive.`
        : maker.uploadFailed,
    );
    return;
  }
  await context.sendActivity({
    attachments: [
      {
        contentType: "application/vnd.microsoft.teams.card.file.info",
        contentUrl: upload.contentUrl ?? "",
        name: upload.name ?? file.name,
        content: { uniqueId: upload.uniqueId, fileType: upload.fileType ?? file.fileType },
      },
    ],
  });
}
