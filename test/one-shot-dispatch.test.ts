// Baton's one-shot action flags reach the module of the named resource type; a type without the
// capability is bad input: exit 2, one line, no request made.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ResourceType_Trait, newResourceType } from "../src/baton/model.js";
import { moduleWith } from "../src/cli/action-command.js";
import { RESOURCE_TYPE_REGISTRY } from "../src/connector/registry.js";
import type { ResourceTypeModule } from "../src/connector/resource-type-module.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { failureLines, run, simEnv } from "./support/robustness.js";

describe("one-shot action dispatch", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ users: 5, workspaces: 1 });
  });
  after(() => sim.close());

  const cases: { name: string; args: string[]; says: RegExp }[] = [
    { name: "deleting a user", args: ["-p", "--delete-resource", "u1", "--delete-resource-type", "user"], says: /^resource type user does not support deletion$/ },
    { name: "rotating a workspace's credentials", args: ["-p", "--rotate-credentials", "w1", "--rotate-credentials-type", "workspace"], says: /^resource type workspace does not support credential rotation$/ },
    { name: "creating a user account", args: ["-p", "--create-account-email", "ada@example.com"], says: /^resource type user does not support account creation$/ },
    { name: "creating an account of a named type", args: ["-p", "--create-account-login", "ada", "--create-account-resource-type", "org_role"], says: /^resource type org_role does not support account creation$/ },
    { name: "an unknown type", args: ["-p", "--delete-resource", "x", "--delete-resource-type", "team"], says: /^unknown resource type "team": use one of workspace, org_role, user, workspace_role$/ },
    { name: "--delete-resource without its type", args: ["-p", "--delete-resource", "x"], says: /--delete-resource and --delete-resource-type must be given together/ },
    { name: "--rotate-credentials-type without the id", args: ["-p", "--rotate-credentials-type", "user"], says: /--rotate-credentials and --rotate-credentials-type must be given together/ },
    { name: "deletion without --provisioning", args: ["--delete-resource", "x", "--delete-resource-type", "user"], says: /--delete-resource changes access in LangSmith: add --provisioning/ },
    { name: "two actions at once", args: ["-p", "--delete-resource", "x", "--delete-resource-type", "user", "--rotate-credentials", "x", "--rotate-credentials-type", "user"], says: /--delete-resource and --rotate-credentials cannot be used together/ },
    { name: "a profile that is not a JSON object", args: ["-p", "--create-account-profile", "[1]"], says: /--create-account-profile must be a JSON object/ },
  ];
  for (const c of cases) {
    it(`${c.name}: exit 2, one line, no request`, async () => {
      sim.resetLog();
      const r = await run(["--base-url", sim.url, "--log-format", "console", ...c.args], { env: simEnv(sim) });
      assert.equal(r.code, 2, r.stderr);
      const lines = failureLines(r.stderr);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!.replace(/^baton-langsmith: /, ""), c.says);
      assert.deepEqual(sim.requests, []);
    });
  }

  it("finds the module that implements the capability in the registry it is given", () => {
    const deleter = { deleteResource: () => Promise.reject(new Error("not called")) };
    const team: ResourceTypeModule = { resourceType: newResourceType("team", "Team", [ResourceType_Trait.GROUP]), syncer: RESOURCE_TYPE_REGISTRY[0]!.syncer, resourceDeleter: deleter };
    assert.equal(moduleWith("team", "resourceDeleter", [...RESOURCE_TYPE_REGISTRY, team]).resourceDeleter, deleter);
    assert.throws(() => moduleWith("team", "credentialRotator", [team]), /resource type team does not support credential rotation/);
  });
});
