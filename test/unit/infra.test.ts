import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import { environmentVariableNames } from "../../bot/config.js";
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
    expect(app).not.to.match(/COSMOS_KEY|MICROSOFT_APP_PASSWORD|GRAPH_CLIENT_SECRET/);
    expect(infra("modules/bot.bicep")).to.include("msaAppType: 'UserAssignedMSI'");
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
