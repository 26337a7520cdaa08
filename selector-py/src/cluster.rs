//! The policy evaluator (`selector_policy::eval`): `Cluster` and its answers.
//!
//! Every query calls the evaluator's public functions; the answers wrap the evaluator's own
//! result types. `to_dict()` is their serde form, so it equals the JSON of
//! `calico-selector flow|reach|policies --format json`, and `str()` is the CLI's human text.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use pyo3::IntoPyObjectExt;
use serde::Serialize;
use serde_json::Value;

use selector_policy::eval::query::{AppliedPolicy, DirectionPolicies, ProfileRef, TierPolicies};
use selector_policy::eval::{
    text, Applicable, Cluster, Decision, FlowVerdict, Reach, ReachSource, Ref, Sides, TraceEntry,
};
use selector_policy::SourceFile;

use crate::errors::guard;
use crate::lint::path_list;

/// Calico resources loaded once (applied together, in order), ready for `flow`, `reach` and
/// `policies` queries. Queries run without the GIL.
#[pyclass(frozen, module = "calico_selector", name = "Cluster")]
pub struct PyCluster {
    inner: Cluster,
}

fn value_error(e: impl ToString) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn reference(s: &str) -> PyResult<Ref> {
    Ref::parse(s).map_err(value_error)
}

#[pymethods]
impl PyCluster {
    /// Loads files and directories (a directory's manifests in name order), applied together
    /// in order. `paths` is one path or an iterable of paths. Raises `ValueError` when the
    /// manifests cannot be evaluated.
    #[staticmethod]
    fn from_paths(py: Python<'_>, paths: &Bound<'_, PyAny>) -> PyResult<Self> {
        let paths: Vec<PathBuf> = path_list(paths)?;
        let loaded = py.detach(|| guard("loading manifests", || Cluster::from_paths(&paths)))?;
        loaded.map(|inner| PyCluster { inner }).map_err(value_error)
    }

    /// Loads the text of one YAML or JSON file (`filename` names it in traces, `<input>` when
    /// None). Raises `ValueError` when the manifests cannot be evaluated.
    #[staticmethod]
    #[pyo3(signature = (text, filename = None))]
    fn from_text(
        py: Python<'_>,
        text: &Bound<'_, PyString>,
        filename: Option<PathBuf>,
    ) -> PyResult<Self> {
        let text = text.to_cow().map_err(|_| {
            PyValueError::new_err(
                "the text contains a lone surrogate and cannot be encoded as UTF-8",
            )
        })?;
        let name = filename.map_or_else(
            || "<input>".to_owned(),
            |p| p.to_string_lossy().into_owned(),
        );
        let file = SourceFile::new(name, text.into_owned());
        let loaded = py.detach(|| {
            guard("loading manifests", || {
                Cluster::from_files(std::slice::from_ref(&file))
            })
        })?;
        loaded.map(|inner| PyCluster { inner }).map_err(value_error)
    }

    /// The verdict and trace of traffic from `src` to `dst` on `port` (the ICMP type for ICMP).
    /// `src` and `dst` are `hostendpoint/NAME`, `pod/NAMESPACE/NAME` or an IP address;
    /// `protocol` is `tcp`, `udp`, `sctp`, `icmp`, `icmpv6` or a number. Raises `ValueError`
    /// naming a reference that is malformed or unknown, or a bad protocol or port.
    #[pyo3(signature = (src, dst, port, protocol = "tcp"))]
    fn flow(
        &self,
        py: Python<'_>,
        src: &str,
        dst: &str,
        port: u32,
        protocol: &str,
    ) -> PyResult<PyFlowVerdict> {
        let (from, to) = (reference(src)?, reference(dst)?);
        let v = py.detach(|| {
            guard("evaluating a flow", || {
                self.inner.flow(&from, &to, port, protocol)
            })
        })?;
        v.map(|inner| PyFlowVerdict { inner }).map_err(value_error)
    }

    /// Every source the input knows (host endpoints, pods, network-set addresses, `external`)
    /// with its verdict towards `dst` on `port`.
    #[pyo3(signature = (dst, port, protocol = "tcp"))]
    fn reach(&self, py: Python<'_>, dst: &str, port: u32, protocol: &str) -> PyResult<PyReach> {
        let to = reference(dst)?;
        let r =
            py.detach(|| guard("evaluating reach", || self.inner.reach(&to, port, protocol)))?;
        r.map(|inner| PyReach { inner }).map_err(value_error)
    }

    /// The tiers, policies and profiles that apply to `endpoint`, per direction, in
    /// evaluation order.
    fn policies(&self, py: Python<'_>, endpoint: &str) -> PyResult<PyEndpointPolicies> {
        let ep = reference(endpoint)?;
        let a = py.detach(|| guard("listing policies", || self.inner.policies(&ep)))?;
        a.map(|inner| PyEndpointPolicies { inner })
            .map_err(value_error)
    }

    /// The endpoints of the input (`hostendpoint/NAME`, `pod/NAMESPACE/NAME`), in input order.
    #[getter]
    fn endpoints<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.ir().endpoints.iter().map(|e| e.reference()))
    }

    /// Facts assumed while loading (Kubernetes defaults, skipped resources).
    #[getter]
    fn notes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.notes())
    }

    fn __repr__(&self) -> String {
        let ir = self.inner.ir();
        format!(
            "Cluster(endpoints={}, policies={})",
            ir.endpoints.len(),
            ir.policies.len()
        )
    }
}

/// The serde form of a value (the CLI's JSON) as plain Python objects.
fn to_dict<'py, T: Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(v).map_err(value_error)?;
    json_to_py(py, &value)
}

fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => PyList::new(
            py,
            items
                .iter()
                .map(|x| json_to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?,
        )?
        .into_any(),
        Value::Object(map) => {
            let d = PyDict::new(py);
            for (k, x) in map {
                d.set_item(k, json_to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// A unit enum's serde spelling (`allow`, `end-of-tier`, `ingress`, ...): the JSON's word.
fn word<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// `Name(field=repr, ...)` from getter values.
fn repr(name: &str, fields: &[(&str, Bound<'_, PyAny>)]) -> PyResult<String> {
    let parts = fields
        .iter()
        .map(|(k, v)| Ok(format!("{k}={}", v.repr()?.to_cow()?)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(format!("{name}({})", parts.join(", ")))
}

fn obj<'py, T: IntoPyObject<'py>>(py: Python<'py>, v: T) -> PyResult<Bound<'py, PyAny>> {
    v.into_bound_py_any(py)
}

fn tuple_of<'py, T, U>(
    py: Python<'py>,
    items: &[T],
    wrap: impl Fn(&T) -> U,
) -> PyResult<Bound<'py, PyTuple>>
where
    U: pyo3::PyClass + Into<pyo3::PyClassInitializer<U>>,
{
    let objs = items
        .iter()
        .map(|x| Bound::new(py, wrap(x)))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, objs)
}

/// Where and why a side (or the whole flow) was decided.
#[pyclass(frozen, eq, module = "calico_selector", name = "Decision")]
#[derive(Clone, PartialEq)]
pub struct PyDecision {
    inner: Decision,
}

#[pymethods]
impl PyDecision {
    /// The endpoint (`hostendpoint/NAME`, `pod/NS/NAME`), or None.
    #[getter]
    fn endpoint(&self) -> Option<String> {
        self.inner.endpoint.clone()
    }
    /// `"ingress"`, `"egress"` or None.
    #[getter]
    fn direction(&self) -> Option<String> {
        self.inner.direction.as_ref().map(word)
    }
    /// `"rule"`, `"end-of-tier"`, `"profile"`, `"no-profile"`, `"failsafe"`,
    /// `"endpoint-to-host"`, `"not-managed"`, ...
    #[getter]
    fn reason(&self) -> String {
        word(&self.inner.reason)
    }
    /// Tier of the deciding policy.
    #[getter]
    fn tier(&self) -> Option<String> {
        self.inner.tier.clone()
    }
    /// The deciding policy or profile.
    #[getter]
    fn policy(&self) -> Option<String> {
        self.inner.policy.clone()
    }
    /// Its kind.
    #[getter]
    fn kind(&self) -> Option<String> {
        self.inner.kind.clone()
    }
    /// Its namespace.
    #[getter]
    fn namespace(&self) -> Option<String> {
        self.inner.namespace.clone()
    }
    /// 0-based index of the deciding rule in that direction's rule list.
    #[getter]
    fn rule(&self) -> Option<usize> {
        self.inner.rule
    }
    /// `"Allow"` or `"Deny"`.
    #[getter]
    fn action(&self) -> Option<String> {
        self.inner.action.clone()
    }
    /// File of the deciding rule or policy (not in `to_dict()`, as in the CLI's JSON).
    #[getter]
    fn file(&self) -> Option<String> {
        self.inner.loc.as_ref().map(|l| l.file.to_string())
    }
    /// 1-based line of the deciding rule or policy.
    #[getter]
    fn line(&self) -> Option<usize> {
        self.inner.loc.as_ref().map(|l| l.line)
    }
    /// Whether this decision lets the packet through.
    #[getter]
    fn allows(&self) -> bool {
        self.inner.allows()
    }
    /// The fields as in the CLI's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
    fn __str__(&self) -> String {
        selector_policy::eval::query::describe(&self.inner)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "Decision",
            &[
                ("endpoint", obj(py, self.endpoint())?),
                ("direction", obj(py, self.direction())?),
                ("reason", obj(py, self.reason())?),
                ("tier", obj(py, self.tier())?),
                ("policy", obj(py, self.policy())?),
                ("rule", obj(py, self.rule())?),
                ("action", obj(py, self.action())?),
            ],
        )
    }
}

/// One step of a flow's trace.
#[pyclass(frozen, eq, module = "calico_selector", name = "TraceEntry")]
#[derive(Clone, PartialEq)]
pub struct PyTraceEntry {
    inner: TraceEntry,
}

#[pymethods]
impl PyTraceEntry {
    /// `"egress"` (at the source), `"ingress"` (at the destination), None for the flow's verdict.
    #[getter]
    fn side(&self) -> Option<String> {
        self.inner.side.as_ref().map(word)
    }
    /// The endpoint whose side this is.
    #[getter]
    fn endpoint(&self) -> Option<String> {
        self.inner.endpoint.clone()
    }
    /// `"side"`, `"failsafe"`, `"stage"`, `"tier"`, `"policy"`, `"staged"`, `"rule"`, `"pass"`,
    /// `"end-of-tier"`, `"profile"`, `"special"` or `"verdict"`.
    #[getter]
    fn event(&self) -> String {
        word(&self.inner.event)
    }
    /// Tier name.
    #[getter]
    fn tier(&self) -> Option<String> {
        self.inner.tier.as_deref().map(str::to_string)
    }
    /// Policy or profile name.
    #[getter]
    fn policy(&self) -> Option<String> {
        self.inner.policy.as_deref().map(str::to_string)
    }
    /// Policy kind.
    #[getter]
    fn kind(&self) -> Option<String> {
        self.inner.kind.as_deref().map(str::to_string)
    }
    /// Policy namespace.
    #[getter]
    fn namespace(&self) -> Option<String> {
        self.inner.namespace.as_deref().map(str::to_string)
    }
    /// 0-based rule index.
    #[getter]
    fn rule(&self) -> Option<usize> {
        self.inner.rule
    }
    /// The rule's action or the verdict (`Allow`, `Deny`, `Pass`, `Log`).
    #[getter]
    fn action(&self) -> Option<String> {
        self.inner.action.map(str::to_string)
    }
    /// For a rule: whether it matched.
    #[getter]
    fn matched(&self) -> Option<bool> {
        self.inner.matched
    }
    /// For a rule that did not match: the field that failed.
    #[getter]
    fn failed(&self) -> Option<String> {
        self.inner.failed.clone()
    }
    /// A readable sentence.
    #[getter]
    fn message(&self) -> String {
        self.inner.message.clone()
    }
    /// File of the rule or resource.
    #[getter]
    fn file(&self) -> Option<String> {
        self.inner.file.as_deref().map(str::to_string)
    }
    /// 1-based line in that file.
    #[getter]
    fn line(&self) -> Option<usize> {
        self.inner.line
    }
    /// That line's text.
    #[getter]
    fn yaml(&self) -> Option<String> {
        self.inner.yaml.as_deref().map(str::to_string)
    }
    /// The fields as in the CLI's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
    fn __str__(&self) -> String {
        self.inner.message.clone()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "TraceEntry",
            &[
                ("side", obj(py, self.side())?),
                ("event", obj(py, self.event())?),
                ("message", obj(py, self.message())?),
            ],
        )
    }
}

/// The decision of each side; None where that end is not Calico-managed.
#[pyclass(frozen, eq, module = "calico_selector", name = "Sides")]
#[derive(Clone, PartialEq)]
pub struct PySides {
    inner: Sides,
}

#[pymethods]
impl PySides {
    /// The source's egress.
    #[getter]
    fn egress(&self) -> Option<PyDecision> {
        self.inner.egress.clone().map(|inner| PyDecision { inner })
    }
    /// The destination's ingress.
    #[getter]
    fn ingress(&self) -> Option<PyDecision> {
        self.inner.ingress.clone().map(|inner| PyDecision { inner })
    }
    /// The fields as in the CLI's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "Sides",
            &[
                ("egress", obj(py, self.egress())?),
                ("ingress", obj(py, self.ingress())?),
            ],
        )
    }
}

/// The answer to `Cluster.flow`: `str()` is the CLI's human output (verdict, deciding rule,
/// trace), `to_dict()` its JSON.
#[pyclass(frozen, eq, module = "calico_selector", name = "FlowVerdict")]
#[derive(Clone, PartialEq)]
pub struct PyFlowVerdict {
    inner: FlowVerdict,
}

#[pymethods]
impl PyFlowVerdict {
    /// `"allow"` or `"deny"`.
    #[getter]
    fn verdict(&self) -> String {
        word(&self.inner.verdict)
    }
    /// Whether the flow is allowed.
    #[getter]
    fn allowed(&self) -> bool {
        self.inner.verdict == selector_policy::eval::Verdict::Allow
    }
    /// The deciding side's decision.
    #[getter]
    fn decided_by(&self) -> PyDecision {
        PyDecision {
            inner: self.inner.decided_by.clone(),
        }
    }
    /// Each side's decision.
    #[getter]
    fn sides(&self) -> PySides {
        PySides {
            inner: self.inner.sides.clone(),
        }
    }
    /// Every step, in order; the last is the flow's verdict.
    #[getter]
    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple_of(py, &self.inner.trace, |t| PyTraceEntry { inner: t.clone() })
    }
    /// Points the evaluator could not settle.
    #[getter]
    fn uncertain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.uncertain)
    }
    /// The fields as in the CLI's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
    fn __str__(&self) -> String {
        text::flow(&self.inner)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "FlowVerdict",
            &[
                ("verdict", obj(py, self.verdict())?),
                ("decided_by", obj(py, self.decided_by())?),
                ("uncertain", self.uncertain(py)?.into_any()),
            ],
        )
    }
}

/// One source of a `Reach` answer.
#[pyclass(frozen, eq, module = "calico_selector", name = "ReachSource")]
#[derive(Clone, PartialEq)]
pub struct PyReachSource {
    inner: ReachSource,
}

#[pymethods]
impl PyReachSource {
    /// `hostendpoint/NAME`, `pod/NS/NAME`, `globalnetworkset/NAME`, `networkset/NS/NAME` or
    /// `external`.
    #[getter]
    fn source(&self) -> String {
        self.inner.source.clone()
    }
    /// The address ranges this entry stands for (network sets and `external`).
    #[getter]
    fn ranges<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.ranges)
    }
    /// The address the flow was evaluated from.
    #[getter]
    fn address(&self) -> Option<String> {
        self.inner.address.clone()
    }
    /// `"allow"` or `"deny"`.
    #[getter]
    fn verdict(&self) -> String {
        word(&self.inner.verdict)
    }
    /// What decided it.
    #[getter]
    fn decided_by(&self) -> PyDecision {
        PyDecision {
            inner: self.inner.decided_by.clone(),
        }
    }
    /// Points the evaluator could not settle for this flow.
    #[getter]
    fn uncertain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.uncertain)
    }
    /// The fields as in the CLI's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "ReachSource",
            &[
                ("source", obj(py, self.source())?),
                ("verdict", obj(py, self.verdict())?),
                ("decided_by", obj(py, self.decided_by())?),
            ],
        )
    }
}

/// The answer to `Cluster.reach`: `str()` is the CLI's human output, `to_dict()` its JSON.
#[pyclass(frozen, eq, module = "calico_selector", name = "Reach")]
#[derive(Clone, PartialEq)]
pub struct PyReach {
    inner: Reach,
}

#[pymethods]
impl PyReach {
    /// The destination as asked.
    #[getter]
    fn to(&self) -> String {
        self.inner.to.clone()
    }
    /// Port (ICMP type for ICMP).
    #[getter]
    fn port(&self) -> u16 {
        self.inner.port
    }
    /// Protocol name.
    #[getter]
    fn protocol(&self) -> String {
        self.inner.protocol.clone()
    }
    /// Every source, with its verdict.
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple_of(py, &self.inner.sources, |s| PyReachSource {
            inner: s.clone(),
        })
    }
    /// `reachable from: ...`.
    #[getter]
    fn summary(&self) -> String {
        self.inner.summary.clone()
    }
    /// The fields as in the CLI's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
    fn __str__(&self) -> String {
        text::reach(&self.inner)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "Reach",
            &[
                ("to", obj(py, self.to())?),
                ("port", obj(py, self.port())?),
                ("protocol", obj(py, self.protocol())?),
                ("summary", obj(py, self.summary())?),
            ],
        )
    }
}

/// One policy applying to an endpoint.
#[pyclass(frozen, eq, module = "calico_selector", name = "AppliedPolicy")]
#[derive(Clone, PartialEq)]
pub struct PyAppliedPolicy {
    inner: AppliedPolicy,
}

#[pymethods]
impl PyAppliedPolicy {
    /// Name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }
    /// Kind.
    #[getter]
    fn kind(&self) -> String {
        self.inner.kind.clone()
    }
    /// Namespace.
    #[getter]
    fn namespace(&self) -> Option<String> {
        self.inner.namespace.clone()
    }
    /// `order` (None: after every ordered policy).
    #[getter]
    fn order(&self) -> Option<f64> {
        self.inner.order
    }
    /// Staged: selects, never decides.
    #[getter]
    fn staged(&self) -> bool {
        self.inner.staged
    }
    /// `"normal"`, `"untracked"` or `"pre-dnat"`.
    #[getter]
    fn stage(&self) -> String {
        self.inner.stage.clone()
    }
    /// Number of rules in this direction.
    #[getter]
    fn rules(&self) -> usize {
        self.inner.rules
    }
    /// `file:line` of the resource.
    #[getter]
    fn location(&self) -> Option<String> {
        self.inner.location.clone()
    }
    /// The fields as in the CLI's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "AppliedPolicy",
            &[
                ("name", obj(py, self.name())?),
                ("kind", obj(py, self.kind())?),
                ("namespace", obj(py, self.namespace())?),
                ("order", obj(py, self.order())?),
                ("staged", obj(py, self.staged())?),
                ("stage", obj(py, self.stage())?),
            ],
        )
    }
}

/// The policies of one tier applying to an endpoint, in evaluation order.
#[pyclass(frozen, eq, module = "calico_selector", name = "TierPolicies")]
#[derive(Clone, PartialEq)]
pub struct PyTierPolicies {
    inner: TierPolicies,
}

#[pymethods]
impl PyTierPolicies {
    /// Tier name.
    #[getter]
    fn tier(&self) -> String {
        self.inner.tier.clone()
    }
    /// Tier order (None for a tier no resource defines).
    #[getter]
    fn order(&self) -> Option<f64> {
        self.inner.order
    }
    /// `"Deny"` or `"Pass"`.
    #[getter]
    fn default_action(&self) -> String {
        self.inner.default_action.clone()
    }
    /// Policies in evaluation order.
    #[getter]
    fn policies<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple_of(py, &self.inner.policies, |p| PyAppliedPolicy {
            inner: p.clone(),
        })
    }
    /// The fields as in the CLI's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "TierPolicies",
            &[
                ("tier", obj(py, self.tier())?),
                ("order", obj(py, self.order())?),
                ("default_action", obj(py, self.default_action())?),
                ("policies", self.policies(py)?.into_any()),
            ],
        )
    }
}

/// A profile of an endpoint.
#[pyclass(frozen, eq, module = "calico_selector", name = "ProfileRef")]
#[derive(Clone, PartialEq)]
pub struct PyProfileRef {
    inner: ProfileRef,
}

#[pymethods]
impl PyProfileRef {
    /// Name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }
    /// Whether the input (or Calico) defines it; a missing profile drops everything.
    #[getter]
    fn exists(&self) -> bool {
        self.inner.exists
    }
    /// The fields as in the CLI's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "ProfileRef",
            &[
                ("name", obj(py, self.name())?),
                ("exists", obj(py, self.exists())?),
            ],
        )
    }
}

/// One direction of a `policies` answer: tiers in order, then profiles.
#[pyclass(frozen, eq, module = "calico_selector", name = "DirectionPolicies")]
#[derive(Clone, PartialEq)]
pub struct PyDirectionPolicies {
    inner: DirectionPolicies,
}

#[pymethods]
impl PyDirectionPolicies {
    /// Tiers in evaluation order.
    #[getter]
    fn tiers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple_of(py, &self.inner.tiers, |t| PyTierPolicies {
            inner: t.clone(),
        })
    }
    /// Profiles in order.
    #[getter]
    fn profiles<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple_of(py, &self.inner.profiles, |p| PyProfileRef {
            inner: p.clone(),
        })
    }
    /// The fields as in the CLI's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "DirectionPolicies",
            &[
                ("tiers", self.tiers(py)?.into_any()),
                ("profiles", self.profiles(py)?.into_any()),
            ],
        )
    }
}

/// The answer to `Cluster.policies` (`calicoq endpoint`, offline): `str()` is the CLI's human
/// output, `to_dict()` its JSON.
#[pyclass(frozen, eq, module = "calico_selector", name = "EndpointPolicies")]
#[derive(Clone, PartialEq)]
pub struct PyEndpointPolicies {
    inner: Applicable,
}

#[pymethods]
impl PyEndpointPolicies {
    /// The endpoint reference.
    #[getter]
    fn endpoint(&self) -> String {
        self.inner.endpoint.clone()
    }
    /// Ingress.
    #[getter]
    fn ingress(&self) -> PyDirectionPolicies {
        PyDirectionPolicies {
            inner: self.inner.ingress.clone(),
        }
    }
    /// Egress.
    #[getter]
    fn egress(&self) -> PyDirectionPolicies {
        PyDirectionPolicies {
            inner: self.inner.egress.clone(),
        }
    }
    /// The fields as in the CLI's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
    fn __str__(&self) -> String {
        text::policies(&self.inner)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "EndpointPolicies",
            &[
                ("endpoint", obj(py, self.endpoint())?),
                ("ingress", obj(py, self.ingress())?),
                ("egress", obj(py, self.egress())?),
            ],
        )
    }
}

/// Registers the classes.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCluster>()?;
    m.add_class::<PyFlowVerdict>()?;
    m.add_class::<PyDecision>()?;
    m.add_class::<PySides>()?;
    m.add_class::<PyTraceEntry>()?;
    m.add_class::<PyReach>()?;
    m.add_class::<PyReachSource>()?;
    m.add_class::<PyEndpointPolicies>()?;
    m.add_class::<PyDirectionPolicies>()?;
    m.add_class::<PyTierPolicies>()?;
    m.add_class::<PyAppliedPolicy>()?;
    m.add_class::<PyProfileRef>()?;
    Ok(())
}
