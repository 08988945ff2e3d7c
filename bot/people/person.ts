import { z } from "zod";

/** Who did something: enough to show and audit, never their authority (roles are checked per action). */
export const personSchema = z.object({
  /** The Teams user id (29:…), used to reach them. */
  id: z.string(),
  /** Entra object id, where Teams gave one. */
  aadObjectId: z.string().optional(),
  name: z.string(),
  tenantId: z.string().optional(),
});

export type Person = z.infer<typeof personSchema>;

export type Role = "officer" | "manager";

export interface Actor extends Person {
  readonly roles: ReadonlySet<Role>;
}

/** Managers are configured by Entra object id or user principal name (both compared case-blind). */
export function isConfiguredManager(
  person: { aadObjectId?: string | undefined; userPrincipalName?: string | undefined },
  managerIds: readonly string[],
): boolean {
  const keys = [person.aadObjectId, person.userPrincipalName]
    .filter((key): key is string => Boolean(key))
    .map((key) => key.toLowerCase());
  return keys.some((key) => managerIds.includes(key));
}
