// Baton service mode: run a connector as a daemon that takes its work from ConductorOne.
export * from "./client.js";
export * from "./connector.js";
export * from "./credentials.js";
export * from "./daemon.js";
export * from "./endpoints.js";
export * from "./health.js";
export * from "./host-info.js";
export * from "./proxy.js";
export * from "./task-status.js";
export * from "./token.js";
export * from "./upload.js";
