import type { AdaptiveCardInvokeResponse } from "botbuilder";

/** On a card whose action could not be saved because the case store did not answer: the card stays, with what was typed. */
export const storeUnavailableNotice =
  "Not saved yet: the case store is not answering. What you typed is kept here: try again in a minute.";

/** Leaves the card as it is and shows the person a message. */
export function messageResponse(text: string): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: "application/vnd.microsoft.activity.message",
    value: text as unknown as Record<string, unknown>,
  };
}
