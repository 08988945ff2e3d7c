import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { ConfigError, loadConfig } from "../../bot/config.js";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

/** The council's own contacts, which Azure mode requires. */
const councilContacts = {
  CME_CONTACT_NAME: "Chris Named-Contact",
  CME_CONTACT_PHONE: "0116 305 1234",
  CME_CONTACT_EMAIL: "cme@council.example",
  ATTENDANCE_SERVICE_CONTACT: "Attendance Support Team: 0116 305 2345",
  EHE_TEAM_CONTACT: "Elective Home Education team: 0116 305 3456",
};

describe("configuration", () => {
  it("defaults to local mode on loopback, port 3978, embedded Cosmos", () => {
    const config = loadConfig({});
    expect(config).to.include({ localMode: true, host: "127.0.0.1", port: 3978 });
    expect(config.cosmos).to.deep.equal({
      endpoint: undefined,
      key: undefined,
      database: "cme",
      identityClientId: undefined,
    });
    expect(config.presetChannel).to.equal(undefined);
  });

  it("refuses a non-loopback HOST without authentication", () => {
    expect(problemsOf({ HOST: "0.0.0.0" })).to.have.length(1);
    expect(problemsOf({ HOST: "0.0.0.0" })[0]).to.match(/^HOST .*loopback/);
    expect(problemsOf({ HOST: "::1" })).to.deep.equal([]);
  });

  it("names every missing variable when an app id turns auth on", () => {
    const problems = problemsOf({ MICROSOFT_APP_ID: "00000000-0000-0000-0000-000000000001" });
    expect(problems.map((p) => p.split(" ")[0])).to.have.members([
      "MICROSOFT_APP_PASSWORD",
      "MICROSOFT_APP_TENANT_ID",
      "AZURE_CLIENT_ID",
      "COSMOS_ENDPOINT",
      "ALLOWED_TENANT_IDS",
      ...Object.keys(councilContacts),
    ]);
  });

  it("uses the managed identity in Azure, refuses keys there, and says which identity is missing", () => {
    const azure = {
      MICROSOFT_APP_ID: "bot-identity",
      MICROSOFT_APP_TYPE: "UserAssignedMSI" as const,
      MICROSOFT_APP_TENANT_ID: "council-tenant",
      COSMOS_ENDPOINT: "https://cme.documents.azure.com:443/",
      ALLOWED_TENANT_IDS: "council-tenant",
      ...councilContacts,
    };
    const config = loadConfig(azure);
    expect(config.cosmos.identityClientId).to.equal("bot-identity");
    expect(config.graph?.auth).to.deep.equal({
      kind: "identity",
      clientId: "bot-identity",
      tenantId: "council-tenant",
    });
    for (const name of [
      "BOT_OPENID_METADATA_URL",
      "BOT_LOGIN_HOST",
      "GRAPH_AUTHORITY_HOST",
      "GRAPH_BASE_URL",
    ]) {
      expect(problemsOf({ ...azure, [name]: "http://login.example.org" })[0]).to.match(
        new RegExp(`^${name} must be https when MICROSOFT_APP_ID is set`),
      );
      expect(problemsOf({ ...azure, [name]: "http://127.0.0.1:8080" })).to.deep.equal([]);
    }
    // The identity is also the app the manifest names, which the team's channel consent goes to.
    expect(config.channelPostsGraph?.auth).to.deep.equal(config.graph?.auth);
    expect(problemsOf({ ...azure, COSMOS_KEY: "a-key" })[0]).to.match(/^COSMOS_KEY is for local mode only/);
    const singleTenant = {
      ...azure,
      MICROSOFT_APP_TYPE: "SingleTenant" as const,
      MICROSOFT_APP_PASSWORD: "secret",
    };
    expect(problemsOf(singleTenant)[0]).to.match(/^AZURE_CLIENT_ID is required .*managed identity/);
    expect(
      loadConfig({ ...singleTenant, AZURE_CLIENT_ID: "cosmos-identity" }).cosmos.identityClientId,
    ).to.equal("cosmos-identity");
    // Its secret is posted to Graph's token endpoint: an unchecked address there would take it.
    expect(
      problemsOf({
        ...singleTenant,
        AZURE_CLIENT_ID: "cosmos-identity",
        GRAPH_AUTHORITY_HOST: "http://login.example.org",
      }),
    ).to.deep.equal([
      "GRAPH_AUTHORITY_HOST must be https when MICROSOFT_APP_ID is set: the keys tokens are checked against, the bot's own tokens, and its secret or tokens for Graph, go to or come from there (plain http only for a stand-in on loopback)",
    ]);
    expect(loadConfig({}).cosmos.identityClientId).to.equal(undefined);
  });

  it("takes a SingleTenant bot with its secret for schools in their own tenants, on Microsoft's public cloud unless told", () => {
    const config = loadConfig({
      MICROSOFT_APP_ID: "entra-app",
      MICROSOFT_APP_TYPE: "SingleTenant",
      MICROSOFT_APP_PASSWORD: "secret-from-key-vault",
      MICROSOFT_APP_TENANT_ID: "council-tenant",
      AZURE_CLIENT_ID: "cosmos-identity",
      COSMOS_ENDPOINT: "https://cme.documents.azure.com:443/",
      ALLOWED_TENANT_IDS: "council-tenant,school-tenant",
      ...councilContacts,
    });
    expect(config.bot).to.deep.include({
      appType: "SingleTenant",
      appPassword: "secret-from-key-vault",
      openIdMetadataUrl: "https://login.botframework.com/v1/.well-known/openidconfiguration",
      tokenIssuer: "https://api.botframework.com",
      loginHost: "https://login.microsoftonline.com",
    });
    expect(config.allowedTenantIds).to.deep.equal(["council-tenant", "school-tenant"]);
    expect(loadConfig({ BOT_LOGIN_HOST: "https://login.microsoftonline.us/" }).bot.loginHost).to.equal(
      "https://login.microsoftonline.us",
    );
    expect(problemsOf({ BOT_OPENID_METADATA_URL: "not an address" })[0]).to.match(
      /^BOT_OPENID_METADATA_URL /,
    );
  });

  it("accepts a complete Azure configuration and listens on all interfaces", () => {
    const config = loadConfig({
      MICROSOFT_APP_ID: "app",
      MICROSOFT_APP_TYPE: "UserAssignedMSI",
      MICROSOFT_APP_TENANT_ID: "tenant",
      COSMOS_ENDPOINT: "https://cme.documents.azure.com:443/",
      ALLOWED_TENANT_IDS: "Tenant-A, tenant-b",
      CME_MANAGER_IDS: "Manager@Example.org,aad-1",
      ...councilContacts,
    });
    expect(config).to.include({ localMode: false, host: "0.0.0.0" });
    expect(config.allowedTenantIds).to.deep.equal(["tenant-a", "tenant-b"]);
    expect(config.managerIds).to.deep.equal(["manager@example.org", "aad-1"]);
  });

  it("reads the retention policy file, refuses a bad one, and tells a deployment still setting RETENTION_YEARS what replaced it", () => {
    expect(
      loadConfig({}).retention.rules.map((rule) =>
        "untilAge" in rule ? rule.untilAge : -rule.yearsAfterClosure,
      ),
    ).to.deep.equal([-7, 25, 75]);
    expect(loadConfig({}).retention.action).to.equal("anonymise");
    const [replaced] = problemsOf({ RETENTION_YEARS: "7" });
    expect(replaced).to.match(
      /^RETENTION_YEARS is replaced by the retention policy file \(RETENTION_POLICY_FILE/,
    );
    const bad = problemsOf({
      RETENTION_POLICY_FILE: new URL("../../config/term-dates.json", import.meta.url).pathname,
    });
    expect(bad[0]).to.include("The retention policy").and.include("rules");
  });

  it("takes the named CME contact and the redirect services from configuration, with clear examples locally", () => {
    const azure = loadConfig({
      MICROSOFT_APP_ID: "app",
      MICROSOFT_APP_TYPE: "UserAssignedMSI",
      MICROSOFT_APP_TENANT_ID: "tenant",
      COSMOS_ENDPOINT: "https://cme.documents.azure.com:443/",
      ALLOWED_TENANT_IDS: "tenant",
      ...councilContacts,
    });
    expect(azure.cmeContact).to.deep.equal({
      name: "Chris Named-Contact",
      phone: "0116 305 1234",
      email: "cme@council.example",
    });
    expect(azure.redirectContacts).to.deep.equal({
      attendance: "Attendance Support Team: 0116 305 2345",
      homeEducation: "Elective Home Education team: 0116 305 3456",
    });
    // Locally each names the variable to set, so an example is never mistaken for the council's.
    const local = loadConfig({});
    expect(local.cmeContact.name).to.include("CME_CONTACT_NAME");
    expect(local.cmeContact.email).to.match(/@example\.org$/);
    expect(local.redirectContacts.attendance).to.include("ATTENDANCE_SERVICE_CONTACT");
    expect(local.redirectContacts.homeEducation).to.include("EHE_TEAM_CONTACT");
    expect(loadConfig({ CME_CONTACT_NAME: "  Chris  " }).cmeContact.name).to.equal("Chris");
    expect(problemsOf({ CME_CONTACT_PHONE: "call Chris" })[0]).to.match(
      /^CME_CONTACT_PHONE must be a phone number/,
    );
    expect(problemsOf({ CME_CONTACT_EMAIL: "chris at council" })[0]).to.match(
      /^CME_CONTACT_EMAIL must be an e-mail address/,
    );
    expect(problemsOf({ CME_CONTACT_PHONE: "+44 116 305 1234" })).to.deep.equal([]);
  });

  it("refuses a bad PORT, a bad URL and a half-given preset channel", () => {
    expect(problemsOf({ PORT: "eighty" })[0]).to.match(/^PORT/);
    expect(problemsOf({ COSMOS_ENDPOINT: "not a url" })[0]).to.match(/^COSMOS_ENDPOINT/);
    expect(problemsOf({ CME_TEAM_ID: "19:team" })[0]).to.match(
      /CME_TEAM_ID, CME_CHANNEL_ID and CME_SERVICE_URL go together/,
    );
  });

  it("stops `npm start` with a message naming the bad variable", function () {
    this.timeout(30_000);
    const result = spawnSync(process.execPath, ["--import", "tsx", "bot/index.ts"], {
      env: { PATH: process.env.PATH ?? "", HOST: "0.0.0.0", PORT: "0" },
      encoding: "utf8",
      timeout: 25_000,
    });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.include("CME Referrals did not start");
    expect(result.stderr).to.match(/HOST is 0\.0\.0\.0/);
  });

  it("does not start in Azure mode without its identity and tenant, saying which are missing", function () {
    this.timeout(30_000);
    const result = spawnSync(process.execPath, ["--import", "tsx", "bot/index.ts"], {
      env: {
        PATH: process.env.PATH ?? "",
        PORT: "0",
        MICROSOFT_APP_ID: "00000000-0000-0000-0000-00000000b07",
        MICROSOFT_APP_PASSWORD: "secret",
        COSMOS_ENDPOINT: "https://cme.documents.azure.com:443/",
        ALLOWED_TENANT_IDS: "council-tenant",
      },
      encoding: "utf8",
      timeout: 25_000,
    });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/MICROSOFT_APP_TENANT_ID is required/);
    expect(result.stderr).to.match(/AZURE_CLIENT_ID is required .*managed identity/);
    expect(result.stderr).not.to.include("secret");
  });
});
