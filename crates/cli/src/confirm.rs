//! Asking before destroying: a question on a terminal, `--yes` otherwise.

use anyhow::{bail, Context as _, Result};
use std::io::{BufRead, IsTerminal, Write};

/// Goes on when `yes`, or when a person at the terminal answers y; refuses (an error that says to pass --yes) when
/// standard input is not a terminal.
pub async fn confirm(action: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!("refusing to {action} without confirmation: standard input is not a terminal; pass --yes (-y) to go on");
    }
    let question = format!("{action}? [y/N] ");
    // Reading the terminal blocks: off the async runtime.
    let answer = tokio::task::spawn_blocking(move || -> Result<String> {
        eprint!("{question}");
        std::io::stderr().flush().context("writing the question")?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).context("reading the answer")?;
        Ok(answer)
    })
    .await
    .context("asking for confirmation")??;
    if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        bail!("not confirmed: nothing was destroyed")
    }
}
