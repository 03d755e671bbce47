import Foundation

// Built with `-DFUZZING -sanitize=fuzzer,address`, libFuzzer calls `LLVMFuzzerTestOneInput` and owns `main`.
// Built normally, this program replays files (the regression corpus) through the same entry point.
#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzInput.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's entry point as `RosterFuzz_main`, so that is where libFuzzer's driver starts.
@_cdecl("RosterFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runFuzzerDriver(&count, &arguments, fuzzTestOneInput)
}
#else
@main
struct CorpusReplay {
    static func main() {
        var replayed = 0
        for path in CommandLine.arguments.dropFirst() {
            let names = try? FileManager.default.contentsOfDirectory(atPath: path)
            for file in (names?.map { "\(path)/\($0)" } ?? [path]).sorted() {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                data.withUnsafeBytes { raw in FuzzInput.run(raw.bindMemory(to: UInt8.self)) }
                replayed += 1
            }
        }
        print("replayed \(replayed) inputs without a crash")
    }
}
#endif
