import { z } from "zod";

/** How long one token request may take: a hung login must not hold a turn or a delivery. */
const tokenRequestTimeoutMs = 5000;

const tokenResponse = z.object({ access_token: z.string(), expires_in: z.coerce.number() });

export interface ClientSecret {
  /** https://login.microsoftonline.com, a sovereign cloud's login host, or a stand-in. */
  readonly authorityHost: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * An app's client-credentials tokens (OAuth 2.0, Entra's v2 endpoint), asked of the tenant
 * named and kept until a minute before they expire: a token for a tenant and scope.
 */
export function clientCredentialTokens({
  authorityHost,
  clientId,
  clientSecret,
}: ClientSecret): (tenantId: string, scope: string) => Promise<string> {
  const tokens = new Map<string, { token: string; expires: number }>();
  return async (tenantId, scope) => {
    const key = `${tenantId} ${scope}`;
    const cached = tokens.get(key);
    if (cached && cached.expires > Date.now() + 60_000) return cached.token;
    const response = await fetch(`${authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
        scope,
      }),
      signal: AbortSignal.timeout(tokenRequestTimeoutMs),
    });
    if (!response.ok) throw new Error(`token request answered ${response.status}`);
    const body = tokenResponse.parse(await response.json());
    tokens.set(key, { token: body.access_token, expires: Date.now() + body.expires_in * 1000 });
    return body.access_token;
  };
}
