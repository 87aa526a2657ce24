// Its own module so that the CLI's entry point can recognise it without loading service mode.

/** start-up failed in a way ConductorOne reported: the process exits with the gRPC code (16 for a bad token). */
export class ServiceStartError extends Error {
  override name = "ServiceStartError";
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
