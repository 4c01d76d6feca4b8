//! `infrakit`: the command line of InfraKit for Rust.

mod cmd_certs;
mod cmd_completion;
mod cmd_events;
mod cmd_flavor;
mod cmd_group;
mod cmd_instance;
mod cmd_manager;
mod cmd_metadata;
mod cmd_plugin;
mod cmd_template;
mod cmd_up;
mod confirm;
mod diff;
mod explain;
mod hints;
mod http;
mod input;
mod locate;
mod output;
mod screen;
mod specs;
mod wait;

use anyhow::Result;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use infrakit_rpc::{Discovery, Registry};
use std::path::PathBuf;
use std::sync::Arc;

/// InfraKit for Rust: keep infrastructure converged to a declarative spec.
#[derive(Parser)]
#[command(name = "infrakit", version, about, long_about = None, after_help = "\
Plugins are daemons that listen on UNIX sockets in the plugins directory: $INFRAKIT_PLUGINS_DIR, else
$INFRAKIT_HOME/plugins, else ~/.infrakit/plugins. They speak JSON-RPC 2.0, wire-compatible with InfraKit v0.5.

Examples:
  infrakit up examples/up-cattle.yaml                   # a group of local processes, kept at size and healed
  infrakit plugin start instance-file flavor-vanilla     # run two built-in plugins in the foreground
  infrakit plugin ls                                    # what is running
  infrakit instance describe --name instance-file -o table")]
struct Cli {
    /// The plugins directory (overrides INFRAKIT_PLUGINS_DIR and INFRAKIT_HOME).
    #[arg(long, global = true, env = "INFRAKIT_PLUGINS_DIR", hide_env_values = true)]
    plugins_dir: Option<PathBuf>,
    /// Log level: error, warn, info, debug, trace (or a tracing filter such as `infrakit_rpc=debug`).
    #[arg(long, global = true, default_value = "warn", env = "INFRAKIT_LOG")]
    log_level: String,
    /// Log format.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// A directory (and its subtree) every template may read with include/source/fetch, beyond its own
    /// directory; repeat, or separate with ':' in the variable. Templates given as text (a flavor's Init) have
    /// no directory of their own: they read only these.
    #[arg(
        long = "template-allow-dir",
        global = true,
        value_name = "DIR",
        env = "INFRAKIT_TEMPLATE_ALLOW_DIR",
        value_delimiter = ':'
    )]
    template_allow_dirs: Vec<PathBuf>,
    /// Let templates fetch http:// and https:// URLs outside their own URL's directory.
    #[arg(long = "template-allow-http", global = true, env = "INFRAKIT_TEMPLATE_ALLOW_HTTP")]
    template_allow_http: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// List, start and stop plugins.
    Plugin(cmd_plugin::PluginCmd),
    /// Talk to an instance plugin.
    Instance(cmd_instance::InstanceCmd),
    /// Talk to a flavor plugin.
    Flavor(cmd_flavor::FlavorCmd),
    /// Manage groups: commit specs, watch them converge, scale, roll out, roll back.
    Group(cmd_group::GroupCmd),
    /// Read the namespace plugins export: `metadata ls [path]`, `metadata cat <plugin>/<path>`.
    Metadata(cmd_metadata::MetadataCmd),
    /// Run manager replicas and talk to them: commit, inspect, leader, history, rollback.
    Manager(cmd_manager::ManagerCmd),
    /// Render a template (Go text/template syntax with InfraKit's functions).
    Template(cmd_template::TemplateCmd),
    /// Run a spec with everything it needs in one process, with a live view, until Ctrl-C.
    Up(cmd_up::UpCmd),
    /// Destroy the instances of a spec's groups.
    Down(cmd_up::DownCmd),
    /// Follow what the controller decides and does (the events of `up --http` or `manager start --http`).
    Events(cmd_events::EventsCmd),
    /// Make a cluster CA (once) and issue node certificates, for plugins reached over TCP with mutual TLS.
    #[command(after_help = "\
Writes DIR/ca.pem and DIR/ca-key.pem (a new CA, or the one already there) and, for each node, its TLS directory
DIR/NAME: ca.pem, cert.pem and key.pem (mode 0600). A node certificate serves both as a server's and as a client's.

A cluster over TCP in two commands:
  infrakit certs --dir /secure/ca m1=10.0.0.1 m2=10.0.0.2 admin
  INFRAKIT_TLS_DIR=/secure/ca/m1 infrakit plugin start group --listen 10.0.0.1:24864    # on m1
A client (here admin) reaches it through a listen file and its own identity:
  echo tls://10.0.0.1:24864 > ~/.infrakit/plugins/group.listen
  INFRAKIT_TLS_DIR=/secure/ca/admin infrakit group ls")]
    Certs(cmd_certs::CertsCmd),
    /// Print a shell completion script: `source <(infrakit completion bash)`.
    #[command(after_help = "Examples:\n  source <(infrakit completion bash)\n  \
                            infrakit completion zsh > \"${fpath[1]}/_infrakit\"\n  \
                            infrakit completion fish > ~/.config/fish/completions/infrakit.fish")]
    Completion(cmd_completion::CompletionCmd),
    /// Print the version and the plugin interface versions spoken.
    Version {
        #[command(flatten)]
        output: output::OutputFlag,
    },
}

/// What every command needs: where plugins are, and how to reach them.
pub struct Context {
    /// Plugin discovery.
    pub discovery: Discovery,
    /// Lookup of plugins by name.
    pub registry: Arc<Registry>,
    /// `$INFRAKIT_HOME`.
    pub home: PathBuf,
    /// The parsed command line of the verb run: on the verbs that start plugins, the built-ins' flags are in it.
    pub flags: clap::ArgMatches,
}

impl Context {
    /// A host for built-in plugins, serving in the plugins directory with this command line's flags.
    pub fn host(&self) -> infrakit_node::host::Host {
        infrakit_node::host::Host::new(self.discovery.dir(), self.registry.clone(), &self.home, self.flags.clone())
    }
}

/// The verbs that start built-in plugins: they (and only they) carry the built-ins' flags.
const STARTING_VERBS: &[&[&str]] = &[&["plugin", "start"], &["manager", "start"], &["up"], &["down"]];

/// The command line with every built-in's flags on the verbs that start plugins.
fn command() -> clap::Command {
    use infrakit_node::catalog;
    let mut cmd = Cli::command();
    for path in STARTING_VERBS {
        cmd = at(cmd, path, &|verb| {
            let listing = format!("Built-in plugins:\n{}", catalog::listing());
            let help = match verb.get_after_help() {
                Some(h) => format!("{listing}\n{h}"),
                None => listing,
            };
            catalog::with_flags(verb).after_help(help)
        });
    }
    cmd
}

/// Applies `f` to the subcommand at `path`.
fn at(cmd: clap::Command, path: &[&str], f: &dyn Fn(clap::Command) -> clap::Command) -> clap::Command {
    match path.split_first() {
        None => f(cmd),
        Some((first, rest)) => cmd.mut_subcommand(first, |sub| at(sub, rest, f)),
    }
}

/// The innermost subcommand's matches.
fn leaf(matches: &clap::ArgMatches) -> clap::ArgMatches {
    match matches.subcommand() {
        Some((_, sub)) => leaf(sub),
        None => matches.clone(),
    }
}

/// Colour only on a terminal, and never with `NO_COLOR` set (to anything but empty), as no-color.org asks.
pub fn colour(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn init_logging(level: &str, format: LogFormat) {
    use std::io::IsTerminal;
    let filter =
        tracing_subscriber::EnvFilter::try_new(level).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour(std::io::stderr().is_terminal()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let matches = command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    init_logging(&cli.log_level, cli.log_format);
    infrakit_template::SourcePolicy::install(infrakit_template::SourcePolicy {
        allow_dirs: cli.template_allow_dirs.clone(),
        allow_http: cli.template_allow_http,
        unrestricted: false,
    });
    match run(cli, leaf(&matches)).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, flags: clap::ArgMatches) -> Result<()> {
    let discovery = match cli.plugins_dir {
        Some(dir) => Discovery::new(dir),
        None => Discovery::from_env()?,
    };
    let registry = Arc::new(Registry::new(Some(discovery.clone())));
    let ctx = Context { discovery, registry, home: infrakit_node::home::default_home(), flags };
    // A plugin that is not there: say which was meant and how to start it, whatever the verb.
    dispatch(cli.command, &ctx).await.map_err(|e| anyhow::anyhow!(hints::with_plugin_hint(&ctx, format!("{e:#}"))))
}

async fn dispatch(verb: Command, ctx: &Context) -> Result<()> {
    match verb {
        Command::Plugin(cmd) => cmd_plugin::run(cmd, ctx).await,
        Command::Instance(cmd) => cmd_instance::run(cmd, ctx).await,
        Command::Flavor(cmd) => cmd_flavor::run(cmd, ctx).await,
        Command::Group(cmd) => cmd_group::run(cmd, ctx).await,
        Command::Manager(cmd) => cmd_manager::run(cmd, ctx).await,
        Command::Metadata(cmd) => cmd_metadata::run(cmd, ctx).await,
        Command::Template(cmd) => cmd_template::run(cmd, ctx),
        Command::Up(cmd) => cmd_up::up(cmd, ctx).await,
        Command::Down(cmd) => cmd_up::down(cmd, ctx).await,
        Command::Events(cmd) => cmd_events::run(cmd).await,
        Command::Certs(cmd) => cmd_certs::run(cmd).await,
        Command::Completion(cmd) => cmd_completion::run(cmd, command()),
        Command::Version { output } => {
            use infrakit_spi::plugin::versions;
            let interfaces = [
                ("Instance", versions::INSTANCE),
                ("Flavor", versions::FLAVOR),
                ("Group", versions::GROUP),
                ("Metadata", versions::METADATA),
                ("Manager", versions::MANAGER),
            ];
            #[derive(serde::Serialize)]
            struct Version {
                #[serde(rename = "Version")]
                version: &'static str,
                #[serde(rename = "Interfaces")]
                interfaces: Vec<String>,
            }
            let value = Version {
                version: env!("CARGO_PKG_VERSION"),
                interfaces: interfaces.iter().map(|(n, v)| format!("{n}/{v}")).collect(),
            };
            output::emit(&value, output.format(), |_| {
                println!("infrakit {}", env!("CARGO_PKG_VERSION"));
                let list: Vec<String> = interfaces.iter().map(|(n, v)| format!("{n}/{v}")).collect();
                println!("interfaces: {}", list.join(" "));
                Ok(())
            })
        }
    }
}
