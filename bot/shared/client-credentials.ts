import { z } from "zod";

/** How long one token request may take: a hung login must not hold a turn or a delivery. */
const tokenRequestTimeoutMs = 5000;

const tokenResponse = z.object({ access_token: z.string(), expires_in: z.coerce.number() });

/** What Entra says when it refuses: `invalid_client` and AADSTS codes, say 7000215 (a wrong secret). */
const tokenRefusal = z.object({
  error: z.string().max(100).optional(),
  error_codes: z.array(z.number().int()).max(10).optional(),
});

export interface ClientSecret {
  /** https://login.microsoftonline.com, a sovereign cloud's login host, or a stand-in. */
  readonly authorityHost: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** "token request answered 401 (invalid_client, AADSTS7000215)": Entra's own words, never the request's. */
async function refusal(response: Response): Promise<Error> {
  const said = tokenRefusal.safeParse(await response.json().catch(() => undefined));
  const words = said.success
    ? [said.data.error, ...(said.data.error_codes ?? []).map((code) => `AADSTS${code}`)].filter(Boolean)
    : [];
  return new Error(
    `token request answered ${response.status}${words.length > 0 ? ` (${words.join(", ")})` : ""}`,
  );
}

/**
 * An app's client-credentials tokens (OAuth 2.0, Entra's v2 endpoint), asked of the tenant
 * named and kept until a minute before they expire: a token for a tenant and scope. Callers
 * asking at once share one request (a cold start's sends would otherwise each ask).
 */
export function clientCredentialTokens({
  authorityHost,
  clientId,
  clientSecret,
}: ClientSecret): (tenantId: string, scope: string) => Promise<string> {
  const tokens = new Map<string, { token: string; expires: number }>();
  const asking = new Map<string, Promise<string>>();
  const ask = async (key: string, tenantId: string, scope: string): Promise<string> => {
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
    if (!response.ok) throw await refusal(response);
    const body = tokenResponse.parse(await response.json());
    tokens.set(key, { token: body.access_token, expires: Date.now() + body.expires_in * 1000 });
    return body.access_token;
  };
  return (tenantId, scope) => {
    const key = `${tenantId} ${scope}`;
    const cached = tokens.get(key);
    if (cached && cached.expires > Date.now() + 60_000) return Promise.resolve(cached.token);
    const pending =
      asking.get(key) ??
      ask(key, tenantId, scope).finally(() => {
        asking.delete(key);
      });
    asking.set(key, pending);
    return pending;
  };
}
