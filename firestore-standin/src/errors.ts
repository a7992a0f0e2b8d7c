import { status } from "@grpc/grpc-js";

/** An error carrying a gRPC status code; the service layer turns it into the call's status. */
export class GrpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export const aborted = (message: string): GrpcError => new GrpcError(status.ABORTED, message);
