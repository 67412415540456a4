fn main() -> std::process::ExitCode {
    netkit::cli::main()
}
