//! `infrakit completion bash|zsh|fish`: shell completion scripts, from the same command line the binary parses.

use anyhow::Result;
use clap::Args;
use clap_complete::Shell;

/// `infrakit completion`
#[derive(Args)]
pub struct CompletionCmd {
    /// The shell: bash, zsh, fish, elvish or powershell.
    shell: Shell,
}

/// Prints the completion script for `cmd` (every verb and flag, the built-ins' included).
pub fn run(cmd: CompletionCmd, mut command: clap::Command) -> Result<()> {
    clap_complete::generate(cmd.shell, &mut command, "infrakit", &mut std::io::stdout());
    Ok(())
}
