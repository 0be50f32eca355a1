// Shared by every fuzz target (scripts/fuzz.sh compiles it with each one).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops the fuzzer with `message` on stderr when a property does not hold.
/// (`precondition` would trap too, but -O builds drop its message.)
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if condition { return }
    let line = Array("fuzz property failed: \(message())\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    abort()
}
