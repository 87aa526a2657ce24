// The command line's fixed surface: help, version, capabilities and config output, committed files current.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "./support/openapi-contract.js";
import { runCli } from "./support/cli.js";

describe("command line surface", () => {
  it("capabilities and metadata reflect --org-role-provisioning; metadata carries the account-creation form", async () => {
    const orgRoleCaps = (out: string) => JSON.parse(out).resourceTypeCapabilities.find((c: { resourceType: { id: string } }) => c.resourceType.id === "org_role").capabilities;
    assert.deepEqual(orgRoleCaps((await runCli(["capabilities"])).stdout), ["CAPABILITY_SYNC"]);
    assert.deepEqual(orgRoleCaps((await runCli(["capabilities", "--org-role-provisioning"])).stdout), ["CAPABILITY_SYNC", "CAPABILITY_PROVISION"]);
    assert.deepEqual(orgRoleCaps((await runCli(["capabilities"], { env: { BATON_ORG_ROLE_PROVISIONING: "true" } })).stdout), ["CAPABILITY_SYNC", "CAPABILITY_PROVISION"]);
    const meta = await runCli(["metadata"]);
    assert.equal(meta.code, 0, meta.stderr);
    const form = JSON.parse(meta.stdout).accountCreationSchema.fieldMap;
    assert.deepEqual(Object.keys(form).sort(), ["email", "org_role", "workspace_role", "workspaces"]);
    assert.ok(form.workspaces.stringListField, "workspaces is a list field");
    assert.ok(form.org_role.stringField);
  });

  it("prints the Baton capabilities JSON, equal to the committed baton_capabilities.json", async () => {
    const r = await runCli(["capabilities"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(join(repoRoot, "baton_capabilities.json"), "utf8"), "run `./bin/baton-langsmith capabilities > baton_capabilities.json`");
    const caps = JSON.parse(r.stdout);
    assert.equal(Object.keys(caps)[0], "@type");
    assert.equal(caps["@type"], "type.googleapis.com/c1.connector.v2.ConnectorCapabilities");
    assert.deepEqual(caps.connectorCapabilities, ["CAPABILITY_PROVISION", "CAPABILITY_SYNC", "CAPABILITY_ACCOUNT_PROVISIONING", "CAPABILITY_CREDENTIAL_ROTATION", "CAPABILITY_RESOURCE_DELETE", "CAPABILITY_SYNC_SECRETS"]);
    const byType = Object.fromEntries(caps.resourceTypeCapabilities.map((c: { resourceType: { id: string }; capabilities: string[] }) => [c.resourceType.id, c.capabilities]));
    assert.deepEqual(Object.keys(byType), ["invitation", "org_role", "personal_access_token", "service_account", "service_key", "user", "workspace", "workspace_role"], "sorted by id");
    assert.deepEqual(byType.user, ["CAPABILITY_SYNC", "CAPABILITY_ACCOUNT_PROVISIONING", "CAPABILITY_RESOURCE_DELETE"]);
    assert.deepEqual(byType.invitation, ["CAPABILITY_SYNC", "CAPABILITY_RESOURCE_DELETE"]);
    assert.deepEqual(byType.service_key, ["CAPABILITY_SYNC", "CAPABILITY_RESOURCE_DELETE", "CAPABILITY_CREDENTIAL_ROTATION", "CAPABILITY_SYNC_SECRETS"]);
    assert.deepEqual(byType.personal_access_token, ["CAPABILITY_SYNC", "CAPABILITY_SYNC_SECRETS"]);
    assert.deepEqual(byType.service_account, ["CAPABILITY_SYNC"]);
    assert.deepEqual(caps.credentialDetails, {
      capabilityAccountProvisioning: {
        supportedCredentialOptions: ["CAPABILITY_DETAIL_CREDENTIAL_OPTION_NO_PASSWORD"],
        preferredCredentialOption: "CAPABILITY_DETAIL_CREDENTIAL_OPTION_NO_PASSWORD",
      },
    });
    assert.deepEqual(byType.workspace_role, ["CAPABILITY_SYNC", "CAPABILITY_PROVISION"]);
    assert.deepEqual(byType.org_role, ["CAPABILITY_SYNC"]);
    for (const c of caps.resourceTypeCapabilities) assert.deepEqual(c.permissions, {});
  });

  it("prints the config schema JSON, equal to the committed config_schema.json", async () => {
    const r = await runCli(["config"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(join(repoRoot, "config_schema.json"), "utf8"), "run `./bin/baton-langsmith config > config_schema.json`");
    const fields = JSON.parse(r.stdout).fields as Array<Record<string, unknown>>;
    const apiKey = fields.find((f) => f.name === "api-key")!;
    assert.deepEqual(
      { isRequired: apiKey.isRequired, isSecret: apiKey.isSecret, stringField: apiKey.stringField },
      { isRequired: true, isSecret: true, stringField: { rules: { isRequired: true } } },
    );
    assert.equal(fields.find((f) => f.name === "organization-id")?.isRequired, true);
    assert.ok(fields.findIndex((f) => f.isOps) < fields.findIndex((f) => f.name === "api-key"), "ops fields first");
  });

  it("documents every connector flag and its BATON_ variable in --help, hiding the one-shot action flags", async () => {
    const r = await runCli(["--help"]);
    assert.equal(r.code, 0);
    for (const flag of ["--api-key", "--organization-id", "--base-url", "--requests-per-second", "--max-in-flight", "--file", "--log-level", "--log-format", "--http-timeout-seconds", "--provisioning"]) {
      assert.match(r.stdout, new RegExp(flag), flag);
    }
    assert.match(r.stdout, /\$BATON_API_KEY/);
    assert.doesNotMatch(r.stdout, /--grant-entitlement/);
  });

  it("prints the package version", async () => {
    const r = await runCli(["--version"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version);
  });

  it("rejects an unknown flag in one line", async () => {
    const r = await runCli(["--no-such-flag"]);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /unknown option '--no-such-flag'/);
  });
});
