//! `calico-selector`: lint Calico manifests, and check, evaluate, explain, select and format
//! Calico selectors. Argument parsing and output only; the work is done by
//! `selector-core` and `selector-policy`.

mod compare;
mod flow;
mod policies;
mod reach;
mod render;
mod sarif;

use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use selector_core::Selector;
use selector_policy::select::PolicySelection;
use selector_policy::{
    all_rules, analyze, check_selector, paths, registry, Config, Diagnostic, LintOptions, Scope,
    Severity, SourceFile,
};

/// Lint Calico manifests and work with Calico label selectors.
#[derive(Parser)]
#[command(name = "calico-selector", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// Compiler-style text.
    Human,
    /// JSON (see selector-cli/README.md for the schema).
    Json,
    /// SARIF 2.1.0 (lint only).
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum ScopeArg {
    /// Files in one directory are applied together; files named on the command line together.
    Dir,
    /// All files are one input.
    All,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum RulesFormat {
    /// One line per rule: id, default severity, summary.
    Human,
    /// JSON: `[{id, severity, summary, doc}]`.
    Json,
    /// The Markdown table of the README.
    Markdown,
}

/// Which rules run, and their severities. They go on top of the configuration file.
#[derive(clap::Args)]
struct RuleArgs {
    /// Run only these rules (ids, comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Do not run these rules (ids, comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Severity of a rule's findings: `ID=error|warning|info` (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "ID=LEVEL")]
    severity: Vec<String>,
    /// Use this configuration file (`calico-selector.toml`, or a `pyproject.toml` with a
    /// `[tool.calico-selector]` table) instead of looking for one above each linted path.
    #[arg(long, conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long)]
    no_config: bool,
}

impl RuleArgs {
    /// The configuration given on the command line; unknown ids are usage errors.
    fn config(&self) -> Result<Config, String> {
        let mut severity = BTreeMap::new();
        for item in &self.severity {
            let (id, level) = item.split_once('=').ok_or_else(|| {
                format!("invalid `--severity {item}`: write `ID=error|warning|info`")
            })?;
            let level = Severity::parse(level.trim()).ok_or_else(|| {
                format!(
                    "invalid severity `{level}` in `--severity {item}`: use error, warning or info"
                )
            })?;
            severity.insert(id.trim().to_string(), level);
        }
        let config = Config {
            select: (!self.select.is_empty()).then(|| self.select.clone()),
            ignore: self.ignore.clone(),
            severity,
        };
        config.check_ids()?;
        Ok(config)
    }
}

#[derive(clap::Args)]
struct LabelArgs {
    /// Labels as `k=v,k2=v2`.
    #[arg(long, conflicts_with = "labels_file")]
    labels: Option<String>,
    /// A YAML or JSON file holding a label map, or a resource whose `metadata.labels` are used.
    #[arg(long)]
    labels_file: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Report every problem in Calico manifests (files, directories, `-` for stdin).
    Lint {
        /// Files or directories (searched recursively for *.yaml, *.yml, *.json); `-` reads stdin.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Exit with 1 when a finding has at least this severity.
        #[arg(long, value_enum, default_value = "error")]
        fail_on: FailOn,
        /// Which files are taken as applied together (duplicates, labels, selection).
        #[arg(long, value_enum, default_value = "dir")]
        scope: ScopeArg,
        /// Colour the human output.
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// List the lint rules, or print one rule's documentation (`rules ID`).
    Rules {
        /// A rule id: print its documentation.
        id: Option<String>,
        /// Output format (`markdown` prints the rule table of selector-cli/README.md).
        #[arg(long, value_enum, default_value = "human")]
        format: RulesFormat,
    },
    /// Say whether a selector is valid; print its canonical text, unique id and label restrictions.
    Check {
        /// The selector.
        selector: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Evaluate a selector on labels: prints `true` or `false` (exit 0 when it matches, 1 when not).
    Eval {
        /// The selector.
        selector: String,
        #[command(flatten)]
        labels: LabelArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Show the verdict of every sub-expression of a selector on labels.
    Explain {
        /// The selector.
        selector: String,
        #[command(flatten)]
        labels: LabelArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// For each policy and rule peer, list the endpoints, network sets and pods it selects.
    Select {
        /// Files or directories; `-` reads stdin.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Which files are taken as applied together.
        #[arg(long, value_enum, default_value = "dir")]
        scope: ScopeArg,
    },
    /// How two selectors relate (equivalent, A ⊂ B, B ⊂ A, disjoint, overlapping), with witnesses.
    Compare {
        /// Selector A.
        a: String,
        /// Selector B.
        b: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Rewrite selectors to canonical text in place, keeping every other byte.
    Fmt {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Change nothing; exit 1 when a file would change.
        #[arg(long)]
        check: bool,
    },
    /// Verdict and trace of one flow (exit 0 allowed, 1 denied).
    Flow {
        /// Files or directories, applied together in order.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Source: `hostendpoint/NAME`, `pod/NAMESPACE/NAME` or an IP address.
        #[arg(long)]
        from: String,
        /// Destination, written like `--from`.
        #[arg(long)]
        to: String,
        /// Destination port (the ICMP type for ICMP).
        #[arg(long)]
        port: u32,
        /// tcp, udp, sctp, icmp, icmpv6 or a protocol number.
        #[arg(long, default_value = "tcp")]
        protocol: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Every source the input knows, with its verdict towards one endpoint and port.
    Reach {
        /// Files or directories, applied together in order.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Destination: `hostendpoint/NAME`, `pod/NAMESPACE/NAME` or an IP address.
        #[arg(long)]
        to: String,
        /// Destination port.
        #[arg(long)]
        port: u32,
        /// tcp, udp, sctp, icmp, icmpv6 or a protocol number.
        #[arg(long, default_value = "tcp")]
        protocol: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// The tiers, policies and profiles that apply to an endpoint, in evaluation order.
    Policies {
        /// Files or directories, applied together in order.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// `hostendpoint/NAME`, `pod/NAMESPACE/NAME` or an IP address.
        #[arg(long)]
        endpoint: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

/// Exit code for usage and I/O errors.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let sarif_elsewhere = match &cli.command {
        Command::Check { format, .. }
        | Command::Eval { format, .. }
        | Command::Explain { format, .. }
        | Command::Select { format, .. }
        | Command::Flow { format, .. }
        | Command::Reach { format, .. }
        | Command::Policies { format, .. } => *format == Format::Sarif,
        _ => false,
    };
    if sarif_elsewhere {
        eprintln!("calico-selector: error: `--format sarif` is only for `lint`");
        return ExitCode::from(EXIT_USAGE);
    }
    let result = match cli.command {
        Command::Lint {
            paths,
            format,
            fail_on,
            scope,
            color,
            rules,
        } => lint(&paths, format, fail_on, scope, color, &rules),
        Command::Rules { id, format } => rules(id.as_deref(), format),
        Command::Check { selector, format } => check(&selector, format),
        Command::Eval {
            selector,
            labels,
            format,
        } => eval(&selector, &labels, format, false),
        Command::Explain {
            selector,
            labels,
            format,
        } => eval(&selector, &labels, format, true),
        Command::Select {
            paths,
            format,
            scope,
        } => select(&paths, format, scope),
        Command::Fmt { paths, check } => fmt(&paths, check),
        Command::Flow {
            paths,
            from,
            to,
            port,
            protocol,
            format,
        } => flow::flow(&paths, &from, &to, port, &protocol, format),
        Command::Reach {
            paths,
            to,
            port,
            protocol,
            format,
        } => reach::reach(&paths, &to, port, &protocol, format),
        Command::Policies {
            paths,
            endpoint,
            format,
        } => policies::policies(&paths, &endpoint, format),
        Command::Compare { a, b, format } => compare::compare(&a, &b, format),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("calico-selector: error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn print(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

/// `-` read from stdin (when named), and the other paths.
fn stdin_and_paths(paths: &[PathBuf]) -> Result<(Option<String>, Vec<PathBuf>), String> {
    let stdin = if paths.iter().any(|p| p.as_os_str() == "-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        Some(text)
    } else {
        None
    };
    let others = paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    Ok((stdin, others))
}

fn scope_of(scope: ScopeArg) -> Scope {
    match scope {
        ScopeArg::Dir => Scope::Directory,
        ScopeArg::All => Scope::All,
    }
}

fn lint(
    paths: &[PathBuf],
    format: Format,
    fail_on: FailOn,
    scope: ScopeArg,
    color: Color,
    rule_args: &RuleArgs,
) -> Result<u8, String> {
    let (stdin, others) = stdin_and_paths(paths)?;
    let options = LintOptions {
        scope: scope_of(scope),
        config: rule_args.config()?,
        discover_config: !rule_args.no_config,
        config_file: rule_args.config.clone(),
        stdin,
    };
    let report = paths::lint(&others, &options)?;
    let diags = report.diagnostics;
    let io_failed = diags
        .iter()
        .any(|d| d.rule.id == "io-error" && d.severity == Severity::Error);
    let count = report.files.len();
    let files: HashMap<String, SourceFile> = report
        .files
        .into_iter()
        .map(|f| (f.name.clone(), f))
        .collect();
    let text = match format {
        Format::Human => {
            let use_color = match color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let style = render::Style { color: use_color };
            let mut s = String::new();
            for d in &diags {
                s.push_str(&render::human(d, files.get(&d.file), style));
                s.push('\n');
            }
            s.push_str(&render::summary(&diags, count));
            s
        }
        Format::Json => to_json(&render::json(&diags, count))?,
        Format::Sarif => to_json(&sarif::log(&diags, &files))?,
    };
    print(&text)?;
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    Ok(if io_failed {
        EXIT_USAGE
    } else if threshold.is_some_and(|t| diags.iter().any(|d| d.severity >= t)) {
        1
    } else {
        0
    })
}

fn rules(id: Option<&str>, format: RulesFormat) -> Result<u8, String> {
    if let Some(id) = id {
        let rule = registry::find(id).ok_or_else(|| registry::unknown_id_message(id))?;
        let text = match format {
            RulesFormat::Json => to_json(&serde_json::json!({
                "id": rule.id,
                "severity": rule.severity,
                "summary": rule.summary,
                "doc": rule.doc_markdown(),
            }))?,
            _ => format!(
                "# {} ({}, default severity)\n\n{}\n\n{}\n",
                rule.id,
                rule.severity.as_str(),
                rule.summary,
                rule.doc_markdown()
            ),
        };
        print(&text)?;
        return Ok(0);
    }
    let text = match format {
        RulesFormat::Markdown => registry::markdown_table(),
        RulesFormat::Json => to_json(
            &all_rules()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "severity": r.severity,
                        "summary": r.summary,
                        "doc": r.doc_markdown(),
                    })
                })
                .collect::<Vec<_>>(),
        )?,
        RulesFormat::Human => {
            let width = all_rules().map(|r| r.id.len()).max().unwrap_or(0);
            let mut s = String::new();
            for r in all_rules() {
                s.push_str(&format!(
                    "{:width$}  {:7}  {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.summary
                ));
            }
            s.push_str("\n`calico-selector rules ID` prints a rule's documentation\n");
            s
        }
    };
    print(&text)?;
    Ok(0)
}

/// The findings of the single-selector lint rules, one line each with its help; those whose
/// message is `skip` (the syntax error already shown with its caret) are left out.
fn findings_human(diags: &[Diagnostic], skip: Option<&str>) -> String {
    let mut s = String::new();
    for d in diags.iter().filter(|d| Some(d.message.as_str()) != skip) {
        s.push_str(&format!(
            "{}[{}]: {}\n",
            d.severity.as_str(),
            d.rule,
            d.message
        ));
        if let Some(h) = &d.help {
            s.push_str(&format!("  = help: {h}\n"));
        }
    }
    s
}

fn check(src: &str, format: Format) -> Result<u8, String> {
    let diags = check_selector(src);
    match Selector::parse(src) {
        Ok(sel) => {
            let restrictions = sel.label_restrictions();
            let text = if format == Format::Human {
                let mut s = format!(
                    "valid\ncanonical: {}\nunique id: {}\nlabel restrictions:",
                    sel.canonical(),
                    sel.unique_id()
                );
                if restrictions.is_empty() {
                    s.push_str(" none\n");
                } else {
                    s.push('\n');
                    for (label, r) in &restrictions {
                        let mut parts = Vec::new();
                        if r.must_be_present {
                            parts.push("present".to_string());
                        }
                        if r.must_be_absent {
                            parts.push("absent".to_string());
                        }
                        if let Some(v) = &r.must_have_one_of {
                            let quoted: Vec<String> = v.iter().map(|x| format!("{x:?}")).collect();
                            parts.push(format!("one of [{}]", quoted.join(", ")));
                        }
                        s.push_str(&format!("  {label}: {}\n", parts.join(", ")));
                    }
                }
                s.push_str(&findings_human(&diags, None));
                s
            } else {
                to_json(&serde_json::json!({
                    "valid": true,
                    "canonical": sel.canonical(),
                    "unique_id": sel.unique_id(),
                    "label_restrictions": restrictions,
                    "restrictions_conflict": sel.restrictions_conflict(),
                    "diagnostics": diags,
                }))?
            };
            print(&text)?;
            Ok(0)
        }
        Err(e) => {
            let text = if format == Format::Human {
                format!(
                    "invalid\n{e}\n{}",
                    findings_human(&diags, Some(e.message()))
                )
            } else {
                to_json(&serde_json::json!({
                    "valid": false,
                    "error": e,
                    "diagnostics": diags,
                }))?
            };
            print(&text)?;
            Ok(1)
        }
    }
}

fn parse_labels(args: &LabelArgs) -> Result<BTreeMap<String, String>, String> {
    if let Some(spec) = &args.labels {
        let mut out = BTreeMap::new();
        for pair in spec.split(',').filter(|p| !p.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("invalid label `{pair}`: write `key=value`"))?;
            out.insert(k.trim().to_string(), v.to_string());
        }
        return Ok(out);
    }
    let Some(path) = &args.labels_file else {
        return Err("give the labels with --labels k=v,... or --labels-file FILE".into());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let loaded = selector_policy::yaml::load(&text);
    if let Some(err) = loaded.error {
        return Err(format!(
            "`{}` is not valid YAML or JSON: {}",
            path.display(),
            err.message
        ));
    }
    let doc = loaded
        .documents
        .first()
        .ok_or_else(|| format!("`{}` is empty", path.display()))?;
    let map = doc
        .get("metadata")
        .and_then(|m| m.get("labels"))
        .unwrap_or(doc);
    let mut out = BTreeMap::new();
    for (k, v) in map.entries() {
        match (k.as_str(), v.as_str()) {
            (Some(k), Some(v)) => {
                out.insert(k.to_string(), v.to_string());
            }
            _ => {
                return Err(format!(
                    "`{}`: labels must map strings to strings",
                    path.display()
                ))
            }
        }
    }
    Ok(out)
}

fn eval(src: &str, args: &LabelArgs, format: Format, explain: bool) -> Result<u8, String> {
    let labels = parse_labels(args)?;
    let sel = match Selector::parse(src) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return Ok(EXIT_USAGE);
        }
    };
    let matched = sel.matches(&labels);
    let text = match (format, explain) {
        (Format::Human, false) => format!("{matched}\n"),
        (Format::Human, true) => format!("{}\n", sel.explain(&labels).to_string().trim_end()),
        (_, false) => {
            to_json(&serde_json::json!({"matches": matched, "canonical": sel.canonical()}))?
        }
        (_, true) => {
            to_json(&serde_json::json!({"matches": matched, "explanation": sel.explain(&labels)}))?
        }
    };
    print(&text)?;
    Ok(if matched { 0 } else { 1 })
}

fn select_human(report: &[PolicySelection]) -> String {
    let name = |r: &selector_policy::select::ResourceRef| match &r.namespace {
        Some(ns) => format!("{} {ns}/{}", r.kind, r.name),
        None => format!("{} {}", r.kind, r.name),
    };
    let list = |s: &mut String, items: &[selector_policy::select::ResourceRef], indent: &str| {
        if items.is_empty() {
            s.push_str(&format!("{indent}(nothing in the input)\n"));
        }
        for i in items {
            s.push_str(&format!("{indent}{}\n", name(i)));
            for note in &i.assumed {
                s.push_str(&format!("{indent}  assumed: {note}\n"));
            }
        }
    };
    let mut s = String::new();
    for p in report {
        s.push_str(&format!(
            "{} ({}:{}:{})\n",
            name(&p.policy),
            p.file,
            p.line,
            p.column
        ));
        match &p.selector {
            Some(sel) => s.push_str(&format!("  applies to: {sel}\n")),
            None => s.push_str("  applies to: (invalid selector; see `lint`)\n"),
        }
        list(&mut s, &p.selects, "    ");
        for r in &p.rules {
            for peer in &r.peers {
                let action = r.action.as_deref().unwrap_or("?");
                s.push_str(&format!(
                    "  {}[{}] {action} {}:",
                    r.direction, r.index, peer.peer
                ));
                if !peer.valid {
                    s.push_str(" (invalid selector; see `lint`)\n");
                    continue;
                }
                match (&peer.selector, &peer.not_selector) {
                    (Some(a), Some(b)) => s.push_str(&format!(" {a} and not {b}\n")),
                    (Some(a), None) => s.push_str(&format!(" {a}\n")),
                    (None, Some(b)) => s.push_str(&format!(" anything not matching {b}\n")),
                    (None, None) => s.push_str(" anything\n"),
                }
                list(&mut s, &peer.selects, "    ");
            }
        }
    }
    if report.is_empty() {
        s.push_str("no policies in the input\n");
    }
    s
}

fn select(paths: &[PathBuf], format: Format, scope: ScopeArg) -> Result<u8, String> {
    let (stdin, others) = stdin_and_paths(paths)?;
    let (groups, errors) = paths::inputs(&others, stdin, scope_of(scope));
    for e in &errors {
        eprintln!("{}: {}: {}", e.file, e.severity.as_str(), e.message);
    }
    let failed = errors.iter().any(|e| e.severity == Severity::Error);
    let mut report = Vec::new();
    for g in groups {
        let a = analyze(g);
        report.extend(selector_policy::select::select(&a));
    }
    let text = match format {
        Format::Human => select_human(&report),
        _ => to_json(&report)?,
    };
    print(&text)?;
    Ok(if failed { EXIT_USAGE } else { 0 })
}

fn fmt(paths: &[PathBuf], check: bool) -> Result<u8, String> {
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return Err("fmt rewrites files in place and cannot read stdin".into());
    }
    let (groups, errors) = paths::collect(paths, Scope::All);
    let mut failed = errors.iter().any(|e| e.severity == Severity::Error);
    for e in &errors {
        eprintln!("{}: {}: {}", e.file, e.severity.as_str(), e.message);
    }
    let mut would_change = false;
    for file in groups.into_iter().flatten() {
        match selector_policy::fmt::format_text(&file.text) {
            Ok(f) => {
                if f.skipped > 0 {
                    eprintln!(
                        "{}: note: left {} invalid selector(s) unchanged (see `calico-selector lint`)",
                        file.name, f.skipped
                    );
                }
                if f.changed == 0 {
                    continue;
                }
                would_change = true;
                if check {
                    print(&format!(
                        "would reformat {} ({} selector(s))\n",
                        file.name, f.changed
                    ))?;
                } else {
                    match std::fs::write(&file.name, &f.text) {
                        Ok(()) => print(&format!(
                            "reformatted {} ({} selector(s))\n",
                            file.name, f.changed
                        ))?,
                        Err(e) => {
                            eprintln!("{}: error: cannot write: {e}", file.name);
                            failed = true;
                        }
                    }
                }
            }
            Err(e) => {
                eprintln!("{}: error: {e}", file.name);
                failed = true;
            }
        }
    }
    Ok(if failed {
        EXIT_USAGE
    } else if check && would_change {
        1
    } else {
        0
    })
}
