/** Who sent a request, as the authenticators hand it to the authorizer (user.Info). */
export interface Identity {
  username: string;
  groups: string[];
  /**
   * Not subject to RBAC: an EKS access entry with AmazonEKSClusterAdminPolicy (the cluster creator, the
   * operator running `tug connect`), or the sandbox's own controllers and test setup.
   */
  unrestricted: boolean;
}

export const AUTHENTICATED_GROUP = "system:authenticated";

/** Any bearer token: what a server started without an authenticator (unit tests of the API) accepts. */
export const UNRESTRICTED_IDENTITY: Identity = {
  username: "sandbox:admin",
  groups: ["system:masters", AUTHENTICATED_GROUP],
  unrestricted: true,
};

/** Token → identity, or undefined for a token the cluster does not accept (401). */
export type Authenticate = (token: string) => Identity | undefined;
