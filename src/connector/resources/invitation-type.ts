import { ResourceType_Trait, SkipEntitlementsAndGrantsSchema, annotation, newResourceType } from "../../baton/model.js";
import { INVITATION } from "../ids.js";

// Its own file: the entitlement builders name it in grantable_to, and the invitation module imports them.
export const invitationType = newResourceType(INVITATION, "Invitation", [ResourceType_Trait.USER], {
  description:
    "A pending LangSmith invitation, with the org role and workspace roles it brings when accepted (org invitations), or a workspace role offered to an existing member (workspace invitations). Never a user until accepted.",
  annotations: [annotation(SkipEntitlementsAndGrantsSchema)],
});
