// Pre-filled content: the host endpoints, network set and policies of Calico's guide
// "Secure Calico Prometheus endpoints" (shared/seed), plus a few pods with the labels Calico
// gives workload endpoints (SPEC section 8: namespace, orchestrator, service account, and the
// namespace's labels inherited as `pcns.`).

/** @type {{kind: string, name: string, labels: Record<string, string>}[]} */
export const ENDPOINTS = [
  {
    kind: "HostEndpoint",
    name: "kubeadm-master.eth0",
    labels: { "running-calico": "true" },
  },
  {
    kind: "HostEndpoint",
    name: "kubeadm-node-0.eth0",
    labels: { "running-calico": "true" },
  },
  {
    kind: "GlobalNetworkSet",
    name: "calico-prometheus-set",
    labels: { "calico-prometheus-access": "true" },
  },
  {
    kind: "Pod",
    name: "monitoring/my-prometheus-pod",
    labels: {
      app: "prometheus",
      "calico-prometheus-access": "true",
      "projectcalico.org/namespace": "monitoring",
      "projectcalico.org/orchestrator": "k8s",
      "projectcalico.org/serviceaccount": "prometheus",
      "pcns.projectcalico.org/name": "monitoring",
    },
  },
  {
    kind: "Pod",
    name: "calico-system/calico-kube-controllers",
    labels: {
      "k8s-app": "calico-kube-controllers",
      "projectcalico.org/namespace": "calico-system",
      "projectcalico.org/orchestrator": "k8s",
      "pcns.projectcalico.org/name": "calico-system",
    },
  },
  {
    kind: "Pod",
    name: "default/nginx",
    labels: {
      app: "nginx",
      tier: "web",
      "projectcalico.org/namespace": "default",
      "projectcalico.org/orchestrator": "k8s",
      "pcns.projectcalico.org/name": "default",
    },
  },
];

/** The first selector shown: the seed's policy selector for Calico nodes. */
export const DEFAULT_SELECTOR = 'running-calico == "true"';

// The allow-list manifests of the guide, one text per file of examples/secure-prometheus/allow-list;
// the editor's seed and the Traffic tab (traffic-data.js) are built from the same texts.

/** host-endpoints.yaml (the same in the guide's allow-list and deny-list folders). */
export const HOST_ENDPOINTS = `apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata:
  name: kubeadm-master.eth0
  labels:
    running-calico: 'true'
spec:
  node: kubeadm-master
  interfaceName: eth0
  expectedIPs:
    - 10.100.0.15
---
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata:
  name: kubeadm-node-0.eth0
  labels:
    running-calico: 'true'
spec:
  node: kubeadm-node-0
  interfaceName: eth0
  expectedIPs:
    - 10.100.0.16
`;

/** allow-list/calico-prometheus-policy.yaml: Calico nodes' Prometheus port, allow-listed. */
export const ALLOW_NODE_PROMETHEUS = `apiVersion: projectcalico.org/v3
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
    # Allow traffic from selected sources to the Prometheus port.
    - action: Allow
      protocol: TCP
      source:
        selector: calico-prometheus-access == "true"
      destination:
        ports:
          - 9091
`;

/** allow-list/kube-controllers-prometheus-policy.yaml. */
export const ALLOW_KUBE_CONTROLLERS_PROMETHEUS = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: restrict-kube-controllers-prometheus
  namespace: calico-system
spec:
  selector: k8s-app == "calico-kube-controllers"
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
          - 9094
`;

/** allow-list/calico-prometheus-set.yaml: the one address allowed to scrape. */
export const ALLOW_PROMETHEUS_SET = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata:
  name: calico-prometheus-set
  labels:
    calico-prometheus-access: 'true'
spec:
  nets:
    - 172.15.0.101/32
`;

/** The seed's allow-list policies and host endpoints, as one multi-document YAML file. */
export const SEED_POLICY = [
  `# From "Secure Calico Prometheus endpoints" (allow-list approach).\n${HOST_ENDPOINTS}`,
  ALLOW_NODE_PROMETHEUS,
  ALLOW_KUBE_CONTROLLERS_PROMETHEUS,
  ALLOW_PROMETHEUS_SET,
].join("---\n");

/** The seed's deny-list policy with the mistakes people make when typing selectors. */
export const BUGGY_POLICY = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: restrict-calico-node-prometheus
spec:
  selector: running-calico = "true"
  order: 500
  types:
    - Ingress
  ingress:
    - action: Deny
      protocol: TCP
      source:
        notSelector: calico-prometheus-access == true
      destination:
        ports:
          - 9091
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: restrict-kube-controllers-prometheus
  namespace: calico-system
spec:
  selector: k8s-app in ("calico-kube-controllers", "typha")
  ingress:
    - action: Deny
      source:
        notSelector: calico-prometheus-access == "true" and has(app)
`;
