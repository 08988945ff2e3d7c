import type { TurnContext } from "botbuilder";
import { canWorkCases } from "../cases/case-service.js";
import { subjectAccessExport, withShare } from "../cases/subject-access.js";
import { caseChannel, type Services } from "../services.js";
import type { Case } from "../cases/case.js";
import type { Person } from "../people/person.js";
import { referrerOf, resolveActor } from "./actor.js";
import { caseForTeamCommand, caseReferencePattern } from "./case-actions.js";
import type { FileConsent } from "./inbound.js";

const personalOnly = "Say 'export' in a personal chat with me: the export holds a child's personal details.";

function fileName(reference: string): string {
  return `${reference}-subject-access.json`;
}

/**
 * `export CME-…`: officers and managers, in personal chat. Teams asks the person where to save
 * the file (a file consent card); the export is made, uploaded and recorded as a share only when
 * they accept.
 */
export async function offerSubjectAccessExport(
  services: Services,
  context: TurnContext,
  rest: string,
): Promise<void> {
  if (context.activity.conversation.conversationType !== "personal") {
    await context.sendActivity(personalOnly);
    return;
  }
  const found = await caseForTeamCommand(
    services,
    context,
    rest,
    "Say 'export CME-2026-00042' with a case of the child the request is about.",
    "Subject access exports are for CME officers and managers.",
  );
  if (!found) return;
  const { current } = found;
  const reference = current.id;
  const { body } = await exportBody(services, current, referrerOf(context), services.now());
  await context.sendActivity({
    attachments: [
      {
        contentType: "application/vnd.microsoft.teams.card.file.consent",
        name: fileName(reference),
        content: {
          description: `Everything held about the child of ${reference}, for a subject access request. Accepting records it as a share on the child's cases.`,
          sizeInBytes: body.length,
          acceptContext: { reference },
          declineContext: { reference },
        },
      },
    ],
  });
}

/** Everything held about the child of a case, as the JSON file the export saves. */
async function exportBody(services: Services, current: Case, by: Person, now: Date) {
  const cases = await services.cases.forChild(current.matchKeys);
  const messages = (await Promise.all(cases.map((each) => services.outboxStore.aboutCase(each.id)))).flat();
  const strip = <T extends object>(document: T) =>
    Object.fromEntries(Object.entries(document).filter(([key]) => !key.startsWith("_"))) as T;
  const body = Buffer.from(
    JSON.stringify(subjectAccessExport(current.id, cases.map(strip), messages.map(strip), by, now), null, 2),
  );
  return { cases, body };
}

/** The person accepted: check their role again, make the export, upload it, record the share, show the file. */
export async function uploadSubjectAccessExport(
  services: Services,
  context: TurnContext,
  response: FileConsent,
): Promise<void> {
  const reference = response.context?.reference ?? "";
  const upload = response.uploadInfo;
  const channel = await caseChannel(services);
  const actor = await resolveActor(context, channel?.teamId, services.config.managerIds);
  const current = caseReferencePattern.test(reference) ? await services.cases.get(reference) : undefined;
  if (!canWorkCases(actor) || !current || !upload?.uploadUrl) {
    await context.sendActivity(
      "I can't make that export (the case or your role could not be confirmed). Nothing was shared.",
    );
    return;
  }
  const now = services.now();
  const by = {
    id: actor.id,
    name: actor.name,
    ...(actor.aadObjectId ? { aadObjectId: actor.aadObjectId } : {}),
  };
  const { cases, body } = await exportBody(services, current, by, now);
  try {
    const uploaded = await fetch(upload.uploadUrl, {
      method: "PUT",
      headers: {
        "content-length": String(body.length),
        "content-range": `bytes 0-${body.length - 1}/${body.length}`,
      },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    if (!uploaded.ok) throw new Error(`the upload answered ${uploaded.status}`);
  } catch {
    await context.sendActivity(
      "I couldn't save the export to your OneDrive just now, so nothing was shared. Please say 'export' again.",
    );
    return;
  }
  for (const each of cases) {
    await services.cases.update(each.id, (latest) =>
      latest
        ? withShare(latest, by, "subject access request (export)", `requested for ${reference}`, now)
        : undefined,
    );
  }
  await context.sendActivity({
    attachments: [
      {
        contentType: "application/vnd.microsoft.teams.card.file.info",
        contentUrl: upload.contentUrl ?? "",
        name: upload.name ?? fileName(reference),
        content: { uniqueId: upload.uniqueId, fileType: upload.fileType ?? "json" },
      },
    ],
  });
}
