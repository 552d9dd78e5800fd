import ArgumentParser
import Foundation
import VigilAPIClient

/// Where the CLI finds the server's read API.
struct APIOption: ParsableArguments {
    @Option(name: .customLong("api"),
            help: ArgumentHelp("The server's read API (default: $VIGIL_API, else 127.0.0.1:7078).", valueName: "host:port"))
    var explicitAddress: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    var address: String { APIClient.defaultAddress(explicit: explicitAddress) }

    var client: APIClient { APIClient(address: address) }

    /// `value` as JSON with `--json`, else `table`.
    func show<T: Encodable>(_ value: T, else table: @autoclosure () -> String) throws {
        if json { print(String(decoding: try JSONEncoder().encode(value), as: UTF8.self)) } else { print(table(), terminator: "") }
    }
}
