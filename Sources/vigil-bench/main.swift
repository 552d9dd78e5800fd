// vigil-bench: micro-benchmarks of the Swift side, figures printed, never asserted.
//
//   vigil-bench drain [--records N]   agent drain rate on one core
import CVigilRing
import Foundation
import VigilAgent
import VigilCore

let arguments = CommandLine.arguments.dropFirst()
guard arguments.first == "drain" else {
    FileHandle.standardError.write("usage: vigil-bench drain [--records N]\n".data(using: .utf8)!)
    exit(2)
}
let recordsWanted = arguments.firstIndex(of: "--records").flatMap { Int(arguments[$0 + 1]) } ?? 20_000_000
DrainBenchmark(records: recordsWanted).run()
