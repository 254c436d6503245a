use std::process::ExitCode;

fn main() -> ExitCode {
    coe::run(std::env::args_os())
}
