//! The command line definition; completions and the man page are generated from it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Turn one declarative platform spec into Terraform, GitOps manifests, docs, a plan, a review
/// and a simulation.
#[derive(Debug, Parser)]
#[command(name = "stratoform", version, about, long_about = None)]
pub struct Cli {
    /// Colour: auto, always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Terminal colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when writing to a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// What `render` renders for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderTarget {
    /// Amazon EKS: every layer.
    Aws,
    /// A local kind cluster: the Kubernetes layer only.
    Kind,
}

/// The environment `up`, `down` and `drift` work on, and where.
#[derive(Debug, Args)]
pub struct Deployed {
    /// The spec file.
    pub file: PathBuf,
    /// The environment.
    #[arg(long)]
    pub env: String,
    /// Run against the local AWS emulator (`up` starts it on a free loopback port when needed).
    #[arg(long)]
    pub local: bool,
    /// An emulator that is already running, such as `http://127.0.0.1:5000`.
    #[arg(long, value_name = "URL", requires = "local")]
    pub local_endpoint: Option<String>,
}

/// Output format of diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Human,
    /// For machines.
    Json,
}

/// Output format of `plan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Waves with reasons, for people.
    Human,
    /// `{"waves": [{"index", "units": [{"name", "kind", "after", "reason"}]}]}`; an array of
    /// those when several environments are planned.
    Json,
    /// A Mermaid flowchart.
    Mermaid,
    /// A Graphviz digraph.
    Dot,
}

/// Output format of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Findings with source snippets, for people.
    Human,
    /// Findings as data, with line and column numbers.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a spec and report every problem at once (exit 2 when invalid).
    Validate {
        /// The spec file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Render Terraform, GitOps manifests and docs into DIR, then run the review of `check`
    /// (exit 1 when it finds an unwaived error — DIR is written all the same — or, with
    /// `--check`, when DIR is stale).
    ///
    /// Generated files name FILE by its path relative to DIR, so the output is the same from any
    /// working directory and however FILE and DIR are spelled.
    Render {
        /// The spec file.
        file: PathBuf,
        /// The output directory; files stratoform did not generate are kept.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Only this environment. Default: every environment.
        #[arg(long)]
        env: Option<String>,
        /// Write nothing; list what differs and exit 1 when DIR is not what would be written.
        #[arg(long)]
        check: bool,
        /// With `--check`: also print the unified diff of every file that would be created,
        /// changed or removed (`git apply` reads it).
        #[arg(long, requires = "check")]
        diff: bool,
        /// Exit 0 although the review finds unwaived errors (they are still reported; waivers
        /// under `review.waivers` in the spec accept single findings instead).
        #[arg(long)]
        allow_findings: bool,
        /// Flush the whole file system (`syncfs`) before the new output is swapped in, not only
        /// the files and directories this run wrote (the default; either way a killed run
        /// leaves DIR as it was).
        #[arg(long, conflicts_with = "check")]
        durable: bool,
        /// `aws` (the default), or `kind`: only the Kubernetes layer, for a local kind cluster,
        /// with local substitutes for AWS-only parts and `kubernetes/parity.md`.
        #[arg(long, value_enum, default_value_t = RenderTarget::Aws)]
        target: RenderTarget,
    },
    /// Print the deployment waves: what deploys in parallel, and why each edge exists.
    Plan {
        /// The spec file.
        file: PathBuf,
        /// Only this environment. Default: every environment.
        #[arg(long)]
        env: Option<String>,
        /// Print the teardown order instead.
        #[arg(long)]
        destroy: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
        format: PlanFormat,
    },
    /// Review the architecture against the rule catalogue (exit 1 on an unwaived error).
    Check {
        /// The spec file.
        #[arg(required_unless_present = "explain")]
        file: Option<PathBuf>,
        /// Only this environment. Default: every environment.
        #[arg(long)]
        env: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Print a rule's documentation page (or `all` for the index) and exit.
        #[arg(long, value_name = "RULE")]
        explain: Option<String>,
        /// Also review the output `stratoform render` wrote to DIR (the rules that read rendered
        /// Terraform, such as ARCH002).
        #[arg(long, value_name = "DIR")]
        rendered: Option<PathBuf>,
    },
    /// Prove that the rendered parts fit together: every AWS identifier, Kubernetes reference,
    /// Argo CD source and docs fact in DIR closes (exit 1 on a broken link, 2 on bad input).
    Verify {
        /// The spec file.
        file: PathBuf,
        /// The directory `stratoform render --out DIR` wrote.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Only this environment. Default: every environment.
        #[arg(long)]
        env: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
    },
    /// Simulate the spec's scenarios (region and zone outages, spot reclaims, load) and check
    /// their assertions (exit 1 when one fails, 2 when a scenario is invalid).
    Simulate {
        /// The spec file.
        file: PathBuf,
        /// A YAML list of further scenarios (as under the spec's `scenarios:`), run after the spec's own.
        #[arg(long, value_name = "FILE")]
        scenarios: Option<PathBuf>,
        /// Only this scenario (repeatable). Default: every scenario.
        #[arg(long)]
        scenario: Vec<String>,
        /// Seed every scenario with this instead of its own `seed`.
        #[arg(long)]
        seed: Option<u64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Write `report.json`, `report.txt` and SVG charts into this directory.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Apply one environment's Terraform stacks in dependency order (`--local`: against a local
    /// AWS emulator; otherwise a real account, after confirmation).
    Up {
        #[command(flatten)]
        at: Deployed,
        /// The rendered repository Argo CD reads (what `stratoform render FILE --out DIR` wrote):
        /// after the apply, `up` writes there the files whose values only the apply knows.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Do not ask before changing a real account.
        #[arg(long)]
        yes: bool,
        /// Apply only the edge stack: DNS records of the load balancers that the clusters'
        /// controllers create (run it once Argo CD has synced the Gateways and ingress controllers).
        #[arg(long)]
        edge: bool,
    },
    /// Remove what the clusters' controllers created outside Terraform, then destroy one
    /// environment's stacks in reverse order (`--all` with `--local` also stops the emulator
    /// `up` started).
    Down {
        #[command(flatten)]
        at: Deployed,
        /// Also destroy the long-lived stack, and the account's stacks when no other environment shares the account.
        #[arg(long)]
        all: bool,
        /// Do not ask before changing a real account.
        #[arg(long)]
        yes: bool,
    },
    /// Report what changed in AWS outside stratoform: a refresh-only plan of each applied stack
    /// of one environment, per resource (exit 1 when anything drifted). Reads only.
    Drift {
        #[command(flatten)]
        at: Deployed,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Write a spec to start from (a commented starter, or an example's spec) and, next to it,
    /// the JSON Schema its first line names for editors; never overwrites a file.
    Init {
        /// Write this example's spec instead of the starter.
        #[arg(long, value_name = "EXAMPLE", value_parser = clap::builder::PossibleValuesParser::new(crate::commands::init::examples::names()))]
        from: Option<String>,
        /// The spec to write: a `.yaml` or `.yml` file, or a directory (created when missing) to
        /// write `platform.yaml` into. The schema goes next to it as `platform.schema.json`.
        #[arg(default_value = "platform.yaml")]
        path: PathBuf,
    },
    /// Print the JSON Schema (draft 2020-12) of the spec.
    Schema,
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}
