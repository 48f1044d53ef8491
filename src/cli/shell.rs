//! `cctthc completions SHELL` and `cctthc man`: what a package or a user
//! installs beside the binary.

use super::failure::Failure;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// Trình lệnh: bash, zsh, fish, powershell, elvish
    #[arg(value_enum, value_name = "SHELL")]
    shell: clap_complete::Shell,
}

/// Writes the completion script for a shell to stdout.
pub fn completions(args: &CompletionsArgs) -> Result<(), Failure> {
    let mut cmd = super::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "cctthc", &mut out);
    write_stdout(&out)
}

/// Writes the manual page (roff) to stdout.
pub fn man() -> Result<(), Failure> {
    let mut out = Vec::new();
    clap_mangen::Man::new(super::command())
        .render(&mut out)
        .map_err(|e| Failure::failed(format!("không tạo được trang man: {e}")))?;
    // Each command's own page after the main one, so one file documents all.
    for sub in super::command().get_subcommands() {
        let name = format!("cctthc-{}", sub.get_name());
        out.extend_from_slice(b"\n");
        clap_mangen::Man::new(sub.clone().name(name))
            .render(&mut out)
            .map_err(|e| Failure::failed(format!("không tạo được trang man: {e}")))?;
    }
    write_stdout(&out)
}

fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    super::output::print(bytes)
}
