import Export
import Foundation
import PipelineIR
import PipelineYAML
import Testing

/// Generated programs from pipelines written to break them: free text with
/// quotes, backslashes and line breaks, names that are Python keywords or the
/// program's own names. Parsed by python3's `ast` when python3 exists.
@Suite struct ExportTests {
    static func export(_ yaml: String, asWritten: Bool = true) throws -> String {
        let loaded = LoadedPipeline.load(SourceFile(path: "p.yaml", text: yaml))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        return try DaskExport.program(loaded, options: ExportOptions(asWritten: asWritten))
    }

    /// Every string constant of the program and of the generated modules it carries (`MODULES`),
    /// and the top-level statement kinds of each, from python3's parser.
    static func parse(_ program: String) throws -> (strings: Set<String>, topLevel: [String], modules: [String: [String]])? {
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let script = """
        import ast, json, sys
        tree = ast.parse(sys.stdin.read())
        strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        modules = [ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) and [t.id for t in n.targets] == ["MODULES"]]
        top = {}
        for path, text in (modules[0].items() if modules else []):
            module = ast.parse(text)
            strings += [n.value for n in ast.walk(module) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            top[path] = [type(n).__name__ for n in module.body]
        print(json.dumps({"strings": strings, "top": [type(n).__name__ for n in tree.body], "modules": top}))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script]
        let input = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = input
        p.standardOutput = out
        p.standardError = err
        try p.run()
        input.fileHandleForWriting.write(Data(program.utf8))
        try input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "python3 could not parse the program: \(String(decoding: e, as: UTF8.self))")
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (Set(doc["strings"] as? [String] ?? []), doc["top"] as? [String] ?? [], doc["modules"] as? [String: [String]] ?? [:])
    }

    @Test func integerItemsAreWrittenExactlyAndFloatItemsAsFloats() throws {
        func loop(_ items: String) throws -> String? {
            let yaml = """
            pipeline: t
            version: 1.1
            functions:
              g: {params: [i, k], kernel: add}
            steps:
              same: {delayed: g, items: \(items), args: [item, 0]}
            outputs:
              same: compute
            """
            let program = try DaskExport.program(LoadedPipeline.load(SourceFile(path: "p.yaml", text: yaml)))
            return program.components(separatedBy: "\n").first { $0.hasPrefix("    same = ") }
        }
        #expect(try loop("[9223372036854775807, -9223372036854775808, 9007199254740993]")
            == "    same = [dask.delayed(g)(item, 0) for item in [9223372036854775807, -9223372036854775808, 9007199254740993]]  # one task per item; each carries its arguments")
        #expect(try loop("[1, 2.5, 1e300]")
            == "    same = [dask.delayed(g)(item, 0) for item in [1.0, 2.5, 1e+300]]  # one task per item; each carries its arguments")
    }

    @Test func stringLiteralsEscapeEverythingThatCouldEndThem() {
        #expect(PythonSyntax.string("a'b\"c\\d\ne\r\tf") == #"'a\'b"c\\d\ne\r\tf'"#)
        #expect(PythonSyntax.string("é😀\u{7F}\u{0}") == #"'\xe9\U0001f600\x7f\x00'"#)
        #expect(PythonSyntax.string("''')\nimport os") == #"'\'\'\')\nimport os'"#)
        #expect(PythonSyntax.number(2) == "2")
        #expect(PythonSyntax.number(2.5) == "2.5")
        #expect(PythonSyntax.number(1e20) == "1e+20")
        #expect(PythonSyntax.number(.infinity) == "float('inf')")
    }

    @Test func freeTextCannotBreakOrInjectCode() throws {
        let payload = "x'); import os; os.system('echo pwned') #\\"
        let yaml = #"""
        pipeline: "evil'\"\\\n__import__('os').system('id')\n"
        version: 1
        objects:
          opts: {value: {"k'\n": "\"\"\"\nimport os\n'''", plain: "x'); import os; os.system('echo pwned') #\\"}}
          table: {series: {load: "t'a\"b\nle.csv", length: 3, name: "n'\n"}}
        functions:
          f: {params: [block, table, opts], kernel: take, with: {x: block, table: table}}
        arrays:
          x: {shape: [4], chunks: [2], dtype: int64, source: {load: "in'\n.npy"}}
        steps:
          y: {map_blocks: f, over: [x], args: [table], kwargs: {opts: opts}}
        outputs:
          y: {save: "out/a'b\n.npy"}
        """#
        let program = try Self.export(yaml)
        guard let parsed = try Self.parse(program) else { return }
        for s in ["evil'\"\\\n__import__('os').system('id')\n", "k'\n", "\"\"\"\nimport os\n'''", payload,
                  "t'a\"b\nle.csv", "n'\n", "in'\n.npy", "out/a'b\n.npy"] {
            #expect(parsed.strings.contains(s), "missing string constant \(s.debugDescription)")
        }
        // Only the program's own statements at the top level: nothing was injected.
        #expect(Set(parsed.topLevel).isSubset(of: ["Import", "ImportFrom", "Assign", "FunctionDef", "ClassDef", "If", "Expr"]))
        #expect(parsed.topLevel.filter { $0 == "If" }.count == 1)
        // The objects module holds the two builders and nothing else.
        #expect(parsed.modules["pipelint_objects.py"] == ["Import", "ImportFrom", "FunctionDef", "FunctionDef"])
        #expect(!program.contains("\nimport os\n'''"))
    }

    @Test func keywordAndProgramNamesAreRenamedOrSetByString() throws {
        let yaml = #"""
        pipeline: names
        version: 1
        objects:
          from: {class: Thing, fields: {class: {series: {range: 8}}, lambda: {value: 1}}, methods: {import: {kernel: take, with: {table: self.class}}}}
          np: {value: 2}
        functions:
          print: {params: [block, pass], kernel: scale, with: {factor: pass}}
        arrays:
          da: {shape: [8], chunks: [4], dtype: int64, source: range}
        steps:
          main: {map_blocks: from.import, over: [da]}
          dask: {map_blocks: print, over: [main], args: [np]}
        outputs: {dask: compute}
        """#
        let program = try Self.export(yaml)
        #expect(program.contains("""
            def __init__(self, class_, lambda_):
                setattr(self, 'class', class_)
                setattr(self, 'lambda', lambda_)
        """))
        #expect(program.contains("""
            def import_(self, block):
                return _k_take(block, getattr(self, 'class'))
            vars()['import'] = import_
        """))
        #expect(program.contains("def print_(block, pass_):\n    return _k_scale(block, pass_)\n"))
        #expect(program.contains("    from_ = build_from(Thing)  # placement: embed"))
        #expect(program.contains("    np_ = build_np()  # placement: embed"))
        #expect(program.contains("\ndef build_from(Thing):\n"))
        #expect(program.contains("    da_ = _source('da', (8,), (4,), 'int64', 'range')\n"))
        #expect(program.contains("    main_ = da.map_blocks(getattr(from_, 'import'), da_, dtype=np.int64,"))
        #expect(program.contains("    dask_ = da.map_blocks(print_, main_, np_, dtype=np.int64,"))
        _ = try Self.parse(program)
    }

    @Test func aClassNamedLikeTheProgramsModulesIsALocatedError() throws {
        let yaml = "pipeline: p\nversion: 1\nobjects:\n  m: {class: np, fields: {s: {value: 1}}}\narrays:\n  x: {shape: [4], chunks: [2], source: ones}\nsteps:\n  y: {map_blocks: f, over: [x], args: [m.s]}\nfunctions:\n  f: {params: [block, s], kernel: scale}\noutputs: {y: compute}\n"
        let loaded = LoadedPipeline.load(SourceFile(path: "p.yaml", text: yaml))
        #expect(throws: ExportError.self) { try DaskExport.program(loaded) }
        do {
            _ = try DaskExport.program(loaded)
        } catch {
            #expect(error.description == "p.yaml:4:6: error: class name `np` is a name the exported program needs (a module or helper it uses)\n  = help: rename the class, or put it in a module (`package.module:np`)")
        }
    }

    /// A stand-in module first on `sys.path` must not hide numpy, nor a `python:` reference
    /// reach into the modules the program generates.
    @Test func modulesTheProgramNeedsAreLocatedErrors() throws {
        func message(_ yaml: String) -> String? {
            let loaded = LoadedPipeline.load(SourceFile(path: "p.yaml", text: yaml))
            do {
                _ = try DaskExport.program(loaded)
                return nil
            } catch {
                return error.description.split(separator: "\n").first.map(String.init)
            }
        }
        let base = "pipeline: p\nversion: 1\narrays:\n  x: {shape: [4], chunks: [2], source: ones}\noutputs: {y: compute}\n"
        // A class module named like one the program, Dask or distributed import is refused by the front end.
        func frontEnd(_ yaml: String) -> [String] {
            let loaded = LoadedPipeline.load(SourceFile(path: "p.yaml", text: yaml))
            return loaded.diagnostics.map { "\(loaded.source.position(of: $0.range.start)): \($0.message)" }
        }
        for module in ["numpy.extra", "toolz", "cloudpickle.sub", "msgpack"] {
            let top = module.split(separator: ".")[0]
            #expect(frontEnd(base + "objects:\n  m: {class: \(module):K, fields: {s: {value: 1}}}\nfunctions:\n  f: {params: [block, s], kernel: scale}\nsteps:\n  y: {map_blocks: f, over: [x], args: [m.s]}\n")
                    == ["7:14: module `\(module)` cannot hold a pipeline's class: `\(top)` is a module the exported program generates, or one it, Dask or distributed import"])
        }
        #expect(frontEnd(base + "objects:\n  m: {class: K, fields: {s: {value: 1}}, methods: {__init__: {kernel: identity}}}\nfunctions:\n  f: {params: [block, s], kernel: scale}\nsteps:\n  y: {map_blocks: f, over: [x], args: [m.s]}\n")
                == ["7:52: method name `__init__` is one Python gives a meaning of its own (building, comparing or pickling the instance)"])
        #expect(message(base + "objects:\n  m: {python: \"pipelint_objects:build_m\", size: 10}\nfunctions:\n  f: {params: [block, m], kernel: identity}\nsteps:\n  y: {map_blocks: f, over: [x], args: [m]}\n")
                == "p.yaml:7:6: error: `pipelint_objects:build_m` refers to `pipelint_objects`, a module the exported program generates")
        #expect(message(base + "functions:\n  f: {params: [block], python: \"pipelint_runtime.x:g\"}\nsteps:\n  y: {map_blocks: f, over: [x]}\n")
                == "p.yaml:7:6: error: `pipelint_runtime.x:g` refers to `pipelint_runtime`, a module the exported program generates")
    }

    @Test func optimizedProgramsUseWrappersForDelayedReceivers() throws {
        let yaml = """
        pipeline: m
        version: 1
        objects:
          mapper: {class: Mapper, fields: {series: {series: {range: 30000}}}, methods: {lookup: {kernel: take, with: {table: self.series}}}}
        arrays:
          x: {shape: [10], chunks: [5], dtype: int64, source: range}
        steps:
          y: {map_blocks: mapper.lookup, over: [x]}
        outputs: {y: persist}
        """
        let program = try Self.export(yaml, asWritten: false)
        #expect(program.contains("# Optimized: made delayed or scattered as `pipelint run` does: mapper.\n"))
        #expect(program.contains("    mapper = dask.delayed(build_mapper, pure=True)(Mapper)  # placement: delayed (built inside one task)\n"))
        #expect(program.contains("from pipelint_objects import build_mapper\n"))
        #expect(program.contains("    y = da.map_blocks(_call_Mapper_lookup, mapper, x, dtype=np.int64, meta=np.empty((0,), dtype=np.int64), token='y')\n"))
        #expect(program.contains("PROBES = [('mapper', 'class', ('__main__', 'Mapper'))]\n"))
    }
}
