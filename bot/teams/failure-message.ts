import { ConcurrencyError } from "../store/contention.js";
import { StoreUnavailableError } from "../store/deadline.js";
import { RoleLookupError } from "./actor.js";

/** What a person sees in the chat when something on our side failed: what happened to their work and what to do. */
export function failureMessage(error: unknown): string {
  if (error instanceof ConcurrencyError) {
    return "Not saved yet: many people are changing this at the same moment. Anything you saved before is kept: please press it again.";
  }
  if (error instanceof StoreUnavailableError) {
    return "I couldn't do that just now: the case store is not answering. Nothing you saved before is lost: please try again in a minute.";
  }
  if (error instanceof RoleLookupError) {
    return "I couldn't check your role with Teams just now, so I haven't done that. Please try again in a minute.";
  }
  return "Something went wrong on our side (the case store may be unavailable), so that was not saved. Anything you saved before is kept: please try again in a minute, and tell the CME team if it keeps happening.";
}
