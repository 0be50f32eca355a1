import ArgumentParser

/// `--force-exclude` for `check` and `fix`, as ruff has it: files named on the command line are
/// treated like files a directory scan finds, so those the configuration's `exclude` matches and
/// YAML that is not a pipeline (no top-level `pipeline:` key) are skipped instead of reported.
/// For pre-commit, which hands a hook every staged YAML file by name.
struct ForceExcludeOption: ParsableArguments {
    @Flag(help: "Skip files named on the command line that a directory scan would skip: excluded by the configuration, or YAML that is not a pipeline (for pre-commit).")
    var forceExclude = false

    /// `files` as the command should treat them.
    func apply(_ files: [CollectedFile]) -> [CollectedFile] {
        guard forceExclude else { return files }
        return files.map { file in
            var f = file
            f.fromDirectory = true
            return f
        }
    }
}
