/**
 * Everything of the Kubernetes side that pulls in @kubernetes/client-node, behind one module so that
 * src/adapters/deps.ts can load it on first use (and a bundle without Kubernetes access can leave it out).
 */
export { kubeConfigForCluster } from "./access";
export { KubeAdapter } from "./kube-adapter";
