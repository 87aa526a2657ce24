import {
  ResourceType_Trait,
  SkipEntitlementsAndGrantsSchema,
  annotation,
  newResourceType,
} from "../baton/model.js";
import { INVITATION, ORG_ROLE, USER, WORKSPACE, WORKSPACE_ROLE } from "./ids.js";

export const userType = newResourceType(USER, "User", [ResourceType_Trait.USER], {
  description: "An active member of the LangSmith organization (disabled members included, marked disabled).",
  annotations: [annotation(SkipEntitlementsAndGrantsSchema)],
});

export const workspaceType = newResourceType(WORKSPACE, "Workspace", [ResourceType_Trait.GROUP], {
  description: "A LangSmith workspace (personal and deleted workspaces are left out).",
});

export const orgRoleType = newResourceType(ORG_ROLE, "Organization Role", [ResourceType_Trait.ROLE], {
  description: "An organization-scoped LangSmith role; every member holds exactly one.",
});

export const workspaceRoleType = newResourceType(WORKSPACE_ROLE, "Workspace Role", [ResourceType_Trait.ROLE], {
  description: "A workspace-scoped LangSmith role within one workspace; a member holds at most one per workspace.",
});

export const invitationType = newResourceType(INVITATION, "Invitation", [ResourceType_Trait.USER], {
  description:
    "A pending LangSmith invitation, with the org role and workspace roles it brings when accepted (org invitations), or a workspace role offered to an existing member (workspace invitations). Never a user until accepted.",
  annotations: [annotation(SkipEntitlementsAndGrantsSchema)],
});

export const allResourceTypes = [userType, workspaceType, orgRoleType, workspaceRoleType, invitationType];
