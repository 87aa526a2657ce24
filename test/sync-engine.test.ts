// The generic engine with a small synthetic connector: order, children, skips, paging and failure.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ChildResourceTypeSchema,
  type Entitlement,
  type Grant,
  type Resource,
  type ResourceType,
  ResourceType_Trait,
  SkipEntitlementsAndGrantsSchema,
  annotation,
  newEntitlement,
  newGrant,
  newResource,
  newResourceType,
  resourceId,
} from "../src/baton/model.js";
import { SyncError, runSync } from "../src/baton/sync/engine.js";
import type { PageResult, ResourceSyncer, SyncSink } from "../src/baton/sync/types.js";

class MemorySink implements SyncSink {
  types: ResourceType[] = [];
  resources: Resource[] = [];
  entitlements: Entitlement[] = [];
  grants: Grant[] = [];
  order: string[] = [];
  putResourceTypes(items: ResourceType[]) { this.types.push(...items); this.order.push("types"); }
  putResources(items: Resource[]) { this.resources.push(...items); this.order.push("resources"); }
  putEntitlements(items: Entitlement[]) { this.entitlements.push(...items); this.order.push("entitlements"); }
  putGrants(items: Grant[]) { this.grants.push(...items); this.order.push("grants"); }
}

const teamType = newResourceType("team", "Team", [ResourceType_Trait.GROUP]);
const personType = newResourceType("person", "Person", [ResourceType_Trait.USER], { annotations: [annotation(SkipEntitlementsAndGrantsSchema)] });
const seatType = newResourceType("seat", "Seat", [ResourceType_Trait.ROLE]);

function connector(opts: { teams: number; pageSize: number; failOn?: string; loopToken?: boolean; calls?: string[] }): ResourceSyncer[] {
  const calls = opts.calls ?? [];
  const page = <T>(all: T[], token: string): PageResult<T> => {
    const start = Number(token || 0);
    const next = start + opts.pageSize < all.length ? String(start + opts.pageSize) : "";
    return { items: all.slice(start, start + opts.pageSize), nextPageToken: opts.loopToken ? token || "0" : next };
  };
  const teams = Array.from({ length: opts.teams }, (_, i) =>
    newResource(resourceId("team", `t${i}`), `Team ${i}`, { annotations: [annotation(ChildResourceTypeSchema, { resourceTypeId: "seat" })] }),
  );
  const people = Array.from({ length: 7 }, (_, i) => newResource(resourceId("person", `p${i}`), `P${i}`));
  const team: ResourceSyncer = {
    resourceType: teamType,
    childResourceTypes: ["seat"],
    async list(_p, token) { calls.push(`list team ${token}`); return page(teams, token); },
    async entitlements(r) { return { items: [newEntitlement(r, "member", "assignment")] }; },
    async grants(r, token) {
      calls.push(`grants ${r.id!.resource} ${token}`);
      if (opts.failOn === r.id!.resource) throw new Error("boom");
      const ent = { id: `team:${r.id!.resource}:member`, resource: r };
      return page(people.map((p) => newGrant(ent, p.id!)), token);
    },
  };
  const person: ResourceSyncer = {
    resourceType: personType,
    async list(_p, token) { return page(people, token); },
    async entitlements() { throw new Error("skipped types are not asked"); },
    async grants() { throw new Error("skipped types are not asked"); },
  };
  const seat: ResourceSyncer = {
    resourceType: seatType,
    async list(parent) {
      calls.push(`list seat ${parent?.resource}`);
      return { items: parent ? [newResource(resourceId("seat", `${parent.resource}:s`), "seat", { parent })] : [] };
    },
    async entitlements(r) { return { items: [newEntitlement(r, "assigned", "assignment")] }; },
    async grants() { return { items: [] }; },
  };
  return [team, person, seat];
}

describe("sync engine", () => {
  it("syncs types, resources (children per parent), entitlements, then grants, paging every listing", async () => {
    const sink = new MemorySink();
    const calls: string[] = [];
    const counts = await runSync(connector({ teams: 5, pageSize: 2, calls }), sink, { concurrency: 3 });
    assert.equal(sink.types.length, 3);
    assert.equal(counts.resources, 5 + 7 + 5);
    assert.equal(sink.entitlements.length, 5 + 5); // persons skip entitlements and grants
    assert.equal(sink.grants.length, 5 * 7);
    assert.equal(counts.grants, 35);
    assert.deepEqual(counts.resourcesByType, { team: 5, person: 7, seat: 5 });
    assert.ok(!calls.includes("list seat undefined"), "child types are never listed at the top level");
    assert.equal(calls.filter((c) => c.startsWith("list seat")).length, 5);
    // phases are strictly ordered
    const firstEnt = sink.order.indexOf("entitlements");
    const firstGrant = sink.order.indexOf("grants");
    assert.ok(sink.order.lastIndexOf("resources") < firstEnt && sink.order.lastIndexOf("entitlements") < firstGrant);
  });

  it("fails the whole sync, naming the step, when one call fails", async () => {
    const err = await runSync(connector({ teams: 4, pageSize: 3, failOn: "t2" }), new MemorySink()).then(
      () => assert.fail("expected failure"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SyncError);
    assert.match(err.message, /listing grants of team "Team 2" \(t2\) failed: boom/);
  });

  it("detects a connector that hands back the same page token", async () => {
    const err = await runSync(connector({ teams: 3, pageSize: 1, loopToken: true }), new MemorySink()).then(
      () => assert.fail("expected failure"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SyncError);
    assert.match(err.message, /page token "0" twice/);
  });

  it("when two calls fail at once, reports the one started first, whichever answer came first", async () => {
    // The first type's listing fails only after the second type's listing has failed: the error reported
    // is still the first type's, so a user sees the same message on every run.
    let secondFailed!: () => void;
    const afterSecond = new Promise<void>((resolve) => (secondFailed = resolve));
    const failing = (id: string, fail: () => Promise<never>): ResourceSyncer => ({
      resourceType: newResourceType(id, id, [ResourceType_Trait.GROUP]),
      list: fail,
      async entitlements() { return { items: [] }; },
      async grants() { return { items: [] }; },
    });
    const first = failing("first", async () => {
      await afterSecond;
      throw new Error("first refused");
    });
    const second = failing("second", async () => {
      queueMicrotask(secondFailed);
      throw new Error("second refused");
    });
    const err = await runSync([first, second], new MemorySink()).then(
      () => assert.fail("expected failure"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SyncError);
    assert.match(err.message, /listing first resources failed: first refused/);
  });
});
