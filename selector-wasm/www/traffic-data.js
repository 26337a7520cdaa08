// Pre-filled content of the Traffic tab: the two folders of Calico's guide "Secure Calico
// Prometheus endpoints" (examples/secure-prometheus/), each as one multi-document YAML text:
// its files in name order (the order the CLI applies a folder in), each after a `# NAME`
// comment, separated by `---`. tests/traffic-data.test.mjs checks they equal the folders.

/** examples/secure-prometheus/deny-list: the Typha file, applied last, replaces the 9091 policy. */
export const DENY_LIST = `# calico-prometheus-policy.yaml
# Allow traffic to Prometheus only from sources that are
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
          - 9091
---
# calico-prometheus-set.yaml
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata:
  name: calico-prometheus-set
  labels:
    calico-prometheus-access: 'true'
spec:
  nets:
    - 172.15.0.0/24
    - 172.101.0.0/24
---
# default-host-policy.yaml
apiVersion: projectcalico.org/v3
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
---
# host-endpoints.yaml
apiVersion: projectcalico.org/v3
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
---
# kube-controllers-prometheus-policy.yaml
apiVersion: projectcalico.org/v3
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
---
# typha-prometheus-policy.yaml
# Allow traffic to Prometheus only from sources that are
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
          - 9093
`;

/** examples/secure-prometheus/allow-list. */
export const ALLOW_LIST = `# calico-prometheus-policy.yaml
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
    # Allow traffic from selected sources to the Prometheus port.
    - action: Allow
      protocol: TCP
      source:
        selector: calico-prometheus-access == "true"
      destination:
        ports:
          - 9091
---
# calico-prometheus-set.yaml
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata:
  name: calico-prometheus-set
  labels:
    calico-prometheus-access: 'true'
spec:
  nets:
    - 172.15.0.101/32
---
# host-endpoints.yaml
apiVersion: projectcalico.org/v3
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
---
# kube-controllers-prometheus-policy.yaml
apiVersion: projectcalico.org/v3
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
---
# typha-prometheus-policy.yaml
apiVersion: projectcalico.org/v3
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
`;
