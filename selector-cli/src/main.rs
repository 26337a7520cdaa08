//! `calico-selector`: lint Calico manifests, and check, evaluate, explain, select and format
//! Calico selectors. Argument parsing and output only; the work is done by
//! `selector-core` and `selector-policy`.

mod flow;
mod policies;
mod reach;
mod render;

use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use selector_core::Selector;
use selector_policy::select::PolicySelection;
use selector_policy::{analyze, paths, Diagnostic, Scope, Severity, SourceFile};

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
        } => lint(&paths, format, fail_on, scope, color),
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

/// Reads the inputs: `-` is stdin and joins the files named on the command line.
fn inputs(
    paths: &[PathBuf],
    scope: ScopeArg,
) -> Result<(Vec<Vec<SourceFile>>, Vec<Diagnostic>), String> {
    let scope = match scope {
        ScopeArg::Dir => Scope::Directory,
        ScopeArg::All => Scope::All,
    };
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    let others: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let (mut groups, errors) = paths::collect(&others, scope);
    if stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        let file = SourceFile::new("-", text);
        let explicit_first = others.iter().any(|p| !p.is_dir()) || scope == Scope::All;
        match groups.first_mut() {
            Some(g) if explicit_first => g.push(file),
            _ => groups.insert(0, vec![file]),
        }
    }
    Ok((groups, errors))
}

fn lint(
    paths: &[PathBuf],
    format: Format,
    fail_on: FailOn,
    scope: ScopeArg,
    color: Color,
) -> Result<u8, String> {
    let (groups, mut diags) = inputs(paths, scope)?;
    let io_failed = !diags.is_empty();
    let mut files: HashMap<String, SourceFile> = HashMap::new();
    let mut count = 0;
    for g in groups {
        count += g.len();
        let a = analyze(g);
        diags.extend(a.diagnostics);
        for f in a.files {
            files.insert(f.name.clone(), f);
        }
    }
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
        Format::Sarif => to_json(&render::sarif(&diags, &files))?,
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

fn check(src: &str, format: Format) -> Result<u8, String> {
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
                if sel.can_never_match() {
                    s.push_str("note: this selector can never match\n");
                }
                s
            } else {
                to_json(&serde_json::json!({
                    "valid": true,
                    "canonical": sel.canonical(),
                    "unique_id": sel.unique_id(),
                    "label_restrictions": restrictions,
                    "can_never_match": sel.can_never_match(),
                }))?
            };
            print(&text)?;
            Ok(0)
        }
        Err(e) => {
            let text = if format == Format::Human {
                format!("invalid\n{e}\n")
            } else {
                to_json(&serde_json::json!({
                    "valid": false,
                    "error": e,
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
    let (groups, errors) = inputs(paths, scope)?;
    for e in &errors {
        eprintln!("{}: error: {}", e.file, e.message);
    }
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
    Ok(if errors.is_empty() { 0 } else { EXIT_USAGE })
}

fn fmt(paths: &[PathBuf], check: bool) -> Result<u8, String> {
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return Err("fmt rewrites files in place and cannot read stdin".into());
    }
    let (groups, errors) = paths::collect(paths, Scope::All);
    let mut failed = !errors.is_empty();
    for e in &errors {
        eprintln!("{}: error: {}", e.file, e.message);
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
