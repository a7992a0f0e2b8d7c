// Errors in the shape Google's JSON APIs (and so the web SDK and google-gax's REST transport)
// understand: HTTP status from the gRPC code, body {"error":{code,message,status}}.
import { status } from "@grpc/grpc-js";

import type { CallError } from "./doorCall";

// google.rpc.Code -> HTTP, as in google/rpc/code.proto.
const HTTP_STATUS: Record<number, number> = {
  [status.OK]: 200,
  [status.CANCELLED]: 499,
  [status.UNKNOWN]: 500,
  [status.INVALID_ARGUMENT]: 400,
  [status.DEADLINE_EXCEEDED]: 504,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.PERMISSION_DENIED]: 403,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.FAILED_PRECONDITION]: 400,
  [status.ABORTED]: 409,
  [status.OUT_OF_RANGE]: 400,
  [status.UNIMPLEMENTED]: 501,
  [status.INTERNAL]: 500,
  [status.UNAVAILABLE]: 503,
  [status.DATA_LOSS]: 500,
  [status.UNAUTHENTICATED]: 401,
};

export const httpStatusOf = (code: status): number => HTTP_STATUS[code] ?? 500;

export interface ErrorBody {
  error: { code: number; message: string; status: string };
}

export function errorBody(err: CallError): ErrorBody {
  return {
    error: {
      code: httpStatusOf(err.code),
      message: err.message,
      status: status[err.code] ?? "UNKNOWN",
    },
  };
}
