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

    func fetch<T: Decodable>(_ path: String, as type: T.Type) async throws -> (T, Data) {
        try await client.fetch(path, as: type)
    }
}
