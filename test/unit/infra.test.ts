import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import { environmentVariableNames, loadConfig } from "../../bot/config.js";
import { containerDefinitions } from "../../bot/store/containers.js";

// No Bicep compiler installs here: these check what can be checked without one.
const infra = (path: string) => readFileSync(new URL(`../../infra/${path}`, import.meta.url), "utf8");
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("the Azure infrastructure (infra/)", () => {
  it("creates exactly the containers the code uses, with the same partition keys and indexing", () => {
    const inBicep = JSON.parse(infra("cosmos-containers.json")) as unknown[];
    expect(inBicep).to.deep.equal(Object.values(containerDefinitions));
    expect(infra("modules/cosmos.bicep")).to.include("loadJsonContent('../cosmos-containers.json')");
  });

  it("reaches Cosmos DB with the managed identity's data-plane role, with account keys off", () => {
    const cosmos = infra("modules/cosmos.bicep");
    expect(cosmos).to.include("disableLocalAuth: true");
    expect(cosmos).to.include("sqlRoleDefinitions/00000000-0000-0000-0000-000000000002");
    const app = infra("modules/app.bicep");
    expect(app).not.to.match(/COSMOS_KEY|GRAPH_CLIENT_SECRET/);
    expect(app).to.include("{ name: 'AZURE_CLIENT_ID', value: identityClientId }");
  });

  it("offers both bot identities: a SingleTenant bot on an Entra app (the default, its secret in Key Vault) or the managed identity", () => {
    const main = infra("main.bicep");
    expect(main).to.match(
      /@allowed\(\[\s*'singleTenantApp'\s*'managedIdentity'\s*\]\)\s*param botIdentity string = 'singleTenantApp'/,
    );
    expect(main).to.include(
      "var appId = botIdentity == 'managedIdentity' ? identity.outputs.clientId : botAppId",
    );
    expect(main).to.include(
      "botAppSecretReference: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${botAppSecretName})'",
    );
    const bot = infra("modules/bot.bicep");
    expect(bot).to.include("msaAppId: botAppId");
    expect(bot).to.include(
      "msaAppType: botIdentity == 'managedIdentity' ? 'UserAssignedMSI' : 'SingleTenant'",
    );
    expect(bot).to.include(
      "msaAppMSIResourceId: botIdentity == 'managedIdentity' ? identityResourceId : null",
    );
    // Each shape's app settings, as the bot's own configuration check takes them.
    const app = infra("modules/app.bicep");
    const shape = (type: string) => {
      const block = new RegExp(
        `\\[\\s*\\{ name: 'MICROSOFT_APP_ID', value: botAppId \\}\\s*\\{ name: 'MICROSOFT_APP_TYPE', value: '${type}' \\}([^\\]]*)\\]`,
      ).exec(app);
      expect(block, type).to.not.equal(null);
      return [...block![1]!.matchAll(/\{ name: '([A-Z_]+)', value: (\w+) \}/g)].map((m) => [m[1], m[2]]);
    };
    expect(shape("UserAssignedMSI")).to.deep.equal([]);
    expect(shape("SingleTenant")).to.deep.equal([["MICROSOFT_APP_PASSWORD", "botAppSecretReference"]]);
    expect(app).to.include("appSettings: concat(botSettings, [");
    const common = {
      MICROSOFT_APP_TENANT_ID: "council",
      AZURE_CLIENT_ID: "identity",
      COSMOS_ENDPOINT: "https://cme.documents.azure.com:443/",
      ALLOWED_TENANT_IDS: "council,school",
      CME_CONTACT_NAME: "n",
      CME_CONTACT_PHONE: "0116 305 0005",
      CME_CONTACT_EMAIL: "cme@council.example",
      ATTENDANCE_SERVICE_CONTACT: "a",
      EHE_TEAM_CONTACT: "e",
    };
    expect(
      loadConfig({
        ...common,
        MICROSOFT_APP_ID: "entra-app",
        MICROSOFT_APP_TYPE: "SingleTenant",
        MICROSOFT_APP_PASSWORD: "from-key-vault",
      }).bot.appType,
    ).to.equal("SingleTenant");
    expect(
      loadConfig({ ...common, MICROSOFT_APP_ID: "identity", MICROSOFT_APP_TYPE: "UserAssignedMSI" }).bot
        .appType,
    ).to.equal("UserAssignedMSI");
    for (const file of ["main.parameters.json", "azure.parameters.json"]) {
      const { parameters } = JSON.parse(infra(file)) as { parameters: Record<string, { value: unknown }> };
      expect(parameters.botIdentity?.value, file).to.equal("singleTenantApp");
    }
    // An app id is a GUID the council sets (or the toolkit's BOT_APP_ID): no placeholder that deploys ships.
    expect(main).to.match(/@minLength\(36\)\s*@maxLength\(36\)\s*param botAppId string\n/);
    const parametersOf = (file: string) =>
      (JSON.parse(infra(file)) as { parameters: Record<string, unknown> }).parameters;
    expect(parametersOf("main.parameters.json").botAppId).to.deep.equal({ value: "" });
    expect(parametersOf("azure.parameters.json").botAppId).to.deep.equal({
      value: "${{BOT_APP_ID}}",
    });
    expect(readme).to.include(
      'az ad app create --display-name "CME Referrals" --sign-in-audience AzureADMultipleOrgs',
    );
    expect(infra("README.md")).to.include("--sign-in-audience AzureADMultipleOrgs");
  });

  it("sets only app settings the bot reads (or the platform does)", () => {
    const platform = [
      "SCM_DO_BUILD_DURING_DEPLOYMENT",
      "AZURE_CLIENT_ID",
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
    ];
    const settings = [...infra("modules/app.bicep").matchAll(/\{ name: '([A-Z_]+)', value:/g)].map(
      (m) => m[1]!,
    );
    expect(settings.length).to.be.greaterThan(5);
    for (const name of settings) {
      expect([...environmentVariableNames, ...platform], name).to.include(name);
    }
  });

  it("gives every parameter without a default a value in the parameters file, and names only real ones", () => {
    const main = infra("main.bicep");
    const params = [...main.matchAll(/^param (\w+) \w+( = .*)?$/gm)];
    // main.parameters.json for `az deployment`, azure.parameters.json for the Agents Toolkit.
    for (const file of ["main.parameters.json", "azure.parameters.json"]) {
      const values = Object.keys(
        (JSON.parse(infra(file)) as { parameters: Record<string, unknown> }).parameters,
      );
      for (const [, name, fallback] of params)
        if (!fallback) expect(values, `${file}: ${name}`).to.include(name);
      for (const name of values)
        expect(
          params.map((p) => p[1]),
          `${file}: ${name}`,
        ).to.include(name);
    }
    const toolkit = readFileSync(new URL("../../m365agents.yml", import.meta.url), "utf8");
    expect(toolkit).to.include("parameters: ./infra/azure.parameters.json");
    expect(infra("azure.parameters.json")).to.include("${{ALLOWED_TENANT_IDS}}");
  });

  it("has every output the README names, and every module main.bicep uses", () => {
    const main = infra("main.bicep");
    const outputs = [...main.matchAll(/^output (\w+) /gm)].map((m) => m[1]!);
    for (const name of ["botAppId", "botDomain", "appServiceName", "cosmosEndpoint", "keyVaultName"]) {
      expect(outputs).to.include(name);
      expect(readme, `README names ${name}`).to.include(`\`${name}\``);
    }
    const modules = readdirSync(new URL("../../infra/modules/", import.meta.url));
    for (const [, path] of main.matchAll(/module \w+ '(modules\/[\w-]+\.bicep)'/g)) {
      expect(modules).to.include(path!.replace("modules/", ""));
    }
  });
});
