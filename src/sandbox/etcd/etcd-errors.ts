/**
 * The errors etcd's Cluster API answers membership changes with, as the server defines them
 * (server/etcdserver/errors.go and api/v3rpc/rpctypes): the message, the gRPC code, and the HTTP
 * status grpc-gateway maps that code to on the v3 JSON gateway.
 */

/** gRPC status codes used here (google.golang.org/grpc/codes). */
export const GrpcCode = {
  NotFound: 5,
  FailedPrecondition: 9,
  Unavailable: 14,
} as const;

/** grpc-gateway's mapping of those codes to HTTP statuses. */
const HTTP_STATUS_OF: Record<number, number> = {
  [GrpcCode.NotFound]: 404,
  [GrpcCode.FailedPrecondition]: 400,
  [GrpcCode.Unavailable]: 503,
};

export class EtcdError extends Error {
  constructor(
    message: string,
    readonly grpcCode: number,
  ) {
    super(message);
    this.name = "EtcdError";
  }

  get httpStatus(): number {
    return HTTP_STATUS_OF[this.grpcCode] ?? 500;
  }
}

/** ErrGRPCMemberNotFound. */
export function memberNotFound(): EtcdError {
  return new EtcdError("etcdserver: member not found", GrpcCode.NotFound);
}

/** ErrGRPCNotEnoughStartedMembers: --strict-reconfig-check refuses a change that leaves too few started voters. */
export function notEnoughStartedMembers(): EtcdError {
  return new EtcdError(
    "etcdserver: re-configuration failed due to not enough started members",
    GrpcCode.FailedPrecondition,
  );
}

/** ErrGRPCUnhealthy: the change would break the quorum of members the leader can reach. */
export function unhealthyCluster(): EtcdError {
  return new EtcdError("etcdserver: unhealthy cluster", GrpcCode.Unavailable);
}

/** ErrGRPCNoLeader: no quorum, so no leader to propose the change. */
export function noLeader(): EtcdError {
  return new EtcdError("etcdserver: no leader", GrpcCode.Unavailable);
}

/** ErrGRPCTooManyLearners: --experimental-max-learners (default 1) learners are already members. */
export function tooManyLearners(): EtcdError {
  return new EtcdError("etcdserver: too many learner members in cluster", GrpcCode.FailedPrecondition);
}

/** ErrGRPCLearnerNotReady: the learner's log has not caught up with the leader's (90% of its match index). */
export function learnerNotReady(): EtcdError {
  return new EtcdError(
    "etcdserver: can only promote a learner member which is in sync with leader",
    GrpcCode.FailedPrecondition,
  );
}

/** ErrGRPCMemberNotLearner: MemberPromote of a member that already votes. */
export function memberNotLearner(): EtcdError {
  return new EtcdError("etcdserver: can only promote a learner member", GrpcCode.FailedPrecondition);
}
