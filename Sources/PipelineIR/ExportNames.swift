/// Module names a pipeline's classes cannot live in when the pipeline is exported:
/// the program writes a stand-in module for each class module and puts it first on
/// `sys.path`, so a stand-in named like a module the program, Dask or distributed
/// import would hide that module (a `toolz/__init__.py` breaks `import dask`).
/// Checked when the pipeline is lowered, so `check` reports it, not only `export`.
public enum ExportNames {
    /// The modules the exported program generates.
    public static let generatedModules: Set<String> = ["pipelint_runtime", "pipelint_objects"]

    /// Top-level modules a class module may not be: the generated ones, the program's own
    /// imports, and the packages dask, distributed and their dependencies import at run time.
    public static let reservedModules: Set<String> = generatedModules.union([
        // The program and its runtime.
        "numpy", "pandas", "dask", "distributed", "argparse", "atexit", "builtins", "contextlib", "functools", "gc",
        "importlib", "json", "math", "os", "shutil", "sys", "tempfile", "time", "zipfile", "zlib",
        // What dask and distributed import when they start (their install requirements and pickling).
        "cloudpickle", "toolz", "tlz", "cytoolz", "msgpack", "tornado", "tblib", "psutil", "zict", "fsspec", "partd",
        "locket", "yaml", "click", "packaging", "sortedcontainers", "jinja2", "urllib3", "pyarrow", "importlib_metadata",
        "pickle", "copyreg", "threading", "asyncio", "weakref", "collections", "typing", "logging", "socket", "ssl",
    ])
}
