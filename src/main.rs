fn main() {
    std::process::exit(cctthc::cli::main());
}
