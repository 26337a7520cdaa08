// Pre-filled content of the Traffic tab: the two folders of Calico's guide "Secure Calico
// Prometheus endpoints" (examples/secure-prometheus/), each as one multi-document YAML text:
// its files in name order (the order the CLI applies a folder in), each after a `# NAME`
// comment, separated by `---`. tests/traffic-data.test.mjs checks they equal the folders.
// The files the editor's seed also shows come from data.js.

import {
  HOST_ENDPOINTS,
  ALLOW_NODE_PROMETHEUS,
  ALLOW_KUBE_CONTROLLERS_PROMETHEUS,
  ALLOW_PROMETHEUS_SET,
} from "./data.js";

/**
 * A folder as one text: each file after a `# NAME` line, joined by `---`.
 * @param {[string, string][]} files name and text, in name order
 */
function folder(files) {
  return files.map(([name, text]) => `# ${name}\n${text}`).join("---\n");
}

/**
 * The deny-list's policy for Calico nodes' Prometheus port `port`. The guide's
 * calico-prometheus-policy.yaml (9091) and typha-prometheus-policy.yaml (9093) differ only in
 * the port; both name the policy restrict-calico-node-prometheus, so the Typha file, applied
 * last, replaces the 9091 policy.
 * @param {number} port
 */
function denyNodePrometheus(port) {
  return `# Allow traffic to Prometheus only from sources that are
# labeled as such, but don't impact any other traffic.
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: restrict-calico-node-prometheus
spec:
  # Select all Calico nodes.
  selector: running-calico == "true"
  order: 500
  types:
    - Ingress
  ingress:
    # Deny anything that tries to access the Prometheus port
    # but that doesn't match the necessary selector.
    - action: Deny
      protocol: TCP
      source:
        notSelector: calico-prometheus-access == "true"
      destination:
        ports:
          - ${port}
`;
}

/** examples/secure-prometheus/deny-list: the Typha file, applied last, replaces the 9091 policy. */
export const DENY_LIST = folder([
  ["calico-prometheus-policy.yaml", denyNodePrometheus(9091)],
  [
    "calico-prometheus-set.yaml",
    `apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata:
  name: calico-prometheus-set
  labels:
    calico-prometheus-access: 'true'
spec:
  nets:
    - 172.15.0.0/24
    - 172.101.0.0/24
`,
  ],
  [
    "default-host-policy.yaml",
    `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: default-host
spec:
  # Select all Calico nodes.
  selector: running-calico == "true"
  order: 5000
  ingress:
    - action: Allow
  egress:
    - action: Allow
`,
  ],
  ["host-endpoints.yaml", HOST_ENDPOINTS],
  [
    "kube-controllers-prometheus-policy.yaml",
    `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: restrict-kube-controllers-prometheus
  namespace: calico-system
spec:
  # Select kube-controllers.
  selector: k8s-app == "calico-kube-controllers"
  order: 500
  types:
    - Ingress
  ingress:
    # Deny anything that tries to access the Prometheus port
    # but that doesn't match the necessary selector.
    - action: Deny
      protocol: TCP
      source:
        notSelector: calico-prometheus-access == "true"
      destination:
        ports:
          - 9094
`,
  ],
  ["typha-prometheus-policy.yaml", denyNodePrometheus(9093)],
]);

/** examples/secure-prometheus/allow-list. */
export const ALLOW_LIST = folder([
  ["calico-prometheus-policy.yaml", ALLOW_NODE_PROMETHEUS],
  ["calico-prometheus-set.yaml", ALLOW_PROMETHEUS_SET],
  ["host-endpoints.yaml", HOST_ENDPOINTS],
  ["kube-controllers-prometheus-policy.yaml", ALLOW_KUBE_CONTROLLERS_PROMETHEUS],
  [
    "typha-prometheus-policy.yaml",
    `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: restrict-typha-prometheus
spec:
  # Select all Calico nodes.
  selector: running-calico == "true"
  order: 500
  types:
    - Ingress
  ingress:
    - action: Allow
      protocol: TCP
      source:
        selector: calico-prometheus-access == "true"
      destination:
        ports:
          - 9093
`,
  ],
]);
