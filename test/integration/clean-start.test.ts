import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { azureModeEnvironment, FakeBotFramework } from "../support/jwks.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

describe("starting the bot", function () {
  this.timeout(60_000);

  it("prints what it is doing and nothing else: no warnings from its dependencies", async () => {
    const environment: NodeJS.ProcessEnv = { ...process.env, PORT: "39787" };
    delete environment.MICROSOFT_APP_ID;
    delete environment.NODE_OPTIONS;
    const bot = spawn(process.execPath, ["--import", "tsx", "bot/index.ts"], {
      cwd: repoRoot,
      env: environment,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    bot.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    bot.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`not listening after 50 s: ${stdout}${stderr}`)),
          50_000,
        );
        bot.stdout.on("data", () => {
          if (stdout.includes("is listening on")) {
            clearTimeout(timer);
            resolve();
          }
        });
        bot.once("exit", (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
      });
      // Warnings are printed on the next tick after they are raised: give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      bot.kill("SIGTERM");
    }
    expect(stderr).to.equal("");
    expect(stdout).to.contain("CME Referrals is listening on http://127.0.0.1:39787/api/messages");
    expect(stdout).not.to.match(/Warning/);
  });

  it("refuses to start when App Service could not resolve the Key Vault reference to the secret, and says what to do", async () => {
    const bf = new FakeBotFramework();
    await bf.start();
    const reference = "@Microsoft.KeyVault(VaultName=kv-cme;SecretName=bot-app-secret)";
    const environment: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      PORT: "0",
      ...Object.fromEntries(
        Object.entries(azureModeEnvironment(bf, { MICROSOFT_APP_PASSWORD: reference })).map(
          ([name, value]) => [name, String(value)],
        ),
      ),
    };
    const bot = spawn(process.execPath, ["--import", "tsx", "bot/index.ts"], {
      cwd: repoRoot,
      env: environment,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    bot.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    bot.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 40_000);
      bot.once("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    if (code === null) bot.kill("SIGKILL");
    await bf.stop();
    expect(output).not.to.include("is listening on");
    expect(code, output).to.equal(1);
    expect(output).to.include("CME Referrals did not start.");
    expect(output).to.include(
      "MICROSOFT_APP_PASSWORD is a Key Vault reference App Service could not resolve",
    );
    expect(output).to.include("Key Vault Secrets User");
  });
});
