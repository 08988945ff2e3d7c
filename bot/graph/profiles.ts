import { z } from "zod";
import { graphClients, type GraphSettings } from "./client.js";

/** What Microsoft Graph says about a person, for prefilling the referrer's details. */
export interface Profile {
  readonly name?: string;
  readonly email?: string;
  readonly jobTitle?: string;
  readonly phone?: string;
  readonly organisation?: string;
}

export interface ProfileSource {
  /** The person's profile, or undefined when Graph does not know or does not answer (never throws). */
  profile(tenantId: string, userObjectId: string): Promise<Profile | undefined>;
}

const graphUser = z.object({
  displayName: z.string().nullish(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  jobTitle: z.string().nullish(),
  businessPhones: z.array(z.string()).nullish(),
  mobilePhone: z.string().nullish(),
  companyName: z.string().nullish(),
  officeLocation: z.string().nullish(),
});

const present = (value: string | null | undefined) => (value ? value : undefined);

/** App-only Microsoft Graph (client credentials, per tenant): GET /users/{id}. */
export function graphProfiles(settings: GraphSettings, onFailure: (error: unknown) => void): ProfileSource {
  const clientFor = graphClients(settings);

  return {
    async profile(tenantId, userObjectId) {
      // An identity held to its own tenant reads that one only: anyone else types their details.
      if (settings.auth.tenantId && tenantId !== settings.auth.tenantId) return undefined;
      try {
        const user = graphUser.parse(
          await clientFor(tenantId)
            .api(`/users/${encodeURIComponent(userObjectId)}`)
            .select(
              "displayName,mail,userPrincipalName,jobTitle,businessPhones,mobilePhone,companyName,officeLocation",
            )
            .get(),
        );
        return {
          name: present(user.displayName),
          email: present(user.mail) ?? present(user.userPrincipalName),
          jobTitle: present(user.jobTitle),
          phone: present(user.businessPhones?.[0]) ?? present(user.mobilePhone),
          organisation: present(user.companyName) ?? present(user.officeLocation),
        };
      } catch (error) {
        onFailure(error);
        return undefined;
      }
    },
  };
}

/** No Graph configured: nobody is known, and that is not a failure. */
export const noProfiles: ProfileSource = { profile: () => Promise.resolve(undefined) };
