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
