import Foundation
import Testing
import VigilCore
@testable import VigilServer

struct APIRequestTests {
    @Test(arguments: [
        ("/v1/health", APIRequest.health),
        ("/v1/nodes", .nodes(since: 0)),
        ("/v1/ranks?since=1700000000000000000", .ranks(job: nil, since: 1_700_000_000_000_000_000)),
        ("/v1/ranks?job=j-1&since=5", .ranks(job: "j-1", since: 5)),
        ("/v1/collectives?job=12345", .collectives(job: "12345")),
        ("/v1/accounts?x=1&job=j-1", .accounts(job: "j-1")),
        ("/v1/runs", .runs(job: nil)),
        ("/v1/runs?job=j-1", .runs(job: "j-1")),
        ("/v1/links?job=j-1&since=5", .links(job: "j-1", since: 5)),
        ("/v1/events?after=41", .events(after: 41)),
        ("/v1/incidents", .incidents(job: nil, limit: 10_000)),
        ("/v1/incidents?limit=50&job=j-1", .incidents(job: "j-1", limit: 50)),
        ("/v1/summary", .summary),
        ("/v1/rankmap?job=j-1", .rankMap(job: "j-1")),
        ("/v1/collectives/summary?job=j-1", .collectiveSummaries(job: "j-1", seconds: 30)),
        ("/v1/collectives/summary?job=j-1&seconds=300", .collectiveSummaries(job: "j-1", seconds: 300)),
        ("/v1/probes?job=j-1", .probes(job: "j-1")),
        ("/v1/checkpoints?job=j-1", .checkpoints(job: "j-1")),
        ("/v1/checkpoints/shards?job=j-1&step=20", .shards(job: "j-1", step: 20)),
        ("/v1/recoveries?job=j-1", .recoveries(job: "j-1")),
        ("/v1/goodput", .goodput(job: nil)),
        ("/v1/goodput?job=j-1", .goodput(job: "j-1")),
    ])
    func routes(uri: String, expected: APIRequest) throws {
        #expect(try APIRequest(method: "GET", uri: uri) == expected)
    }

    @Test(arguments: [
        ("GET", "/", APIError.notFound("/")),
        ("DELETE", "/v1/ranks", .methodNotAllowed("DELETE")),
        ("GET", "/v1/ranks?since=yesterday", .badRequest("since must be a non-negative integer (ns)")),
        ("GET", "/v1/accounts", .badRequest("job is required")),
        ("GET", "/v1/accounts?job=a%20b", .badRequest("job must be 1-63 printable characters")),
        ("POST", "/v1/ranks", .methodNotAllowed("POST")),
        ("GET", "/v1/events?after=-2", .badRequest("after must be a non-negative event id")),
        ("GET", "/v1/links", .badRequest("job is required")),
        ("GET", "/v1/rankmap", .badRequest("job is required")),
        ("GET", "/v1/incidents?limit=0", .badRequest("limit must be a whole number from 1 to 10000")),
        ("GET", "/v1/collectives/summary?job=j&seconds=1e3", .badRequest("seconds must be a whole number from 1 to 3600")),
        ("POST", "/v1/nodes/n1/reboot", .notFound("/v1/nodes/n1/reboot")),
        ("POST", "/v1/nodes/n;1/cordon", .badRequest("node must be 1-63 characters of [A-Za-z0-9._-]")),
        ("GET", "/v1/nodes/n1/cordon", .notFound("/v1/nodes/n1/cordon")),
        ("GET", "/v1/checkpoints/shards?job=j", .badRequest("step must be a non-negative integer")),
    ])
    func refuses(method: String, uri: String, expected: APIError) {
        #expect(throws: expected) { try APIRequest(method: method, uri: uri) }
    }

    @Test func changesNeedTheToken() throws {
        #expect(try APIRequest(method: "POST", uri: "/v1/nodes/gpu-7/cordon") == .cordon(node: "gpu-7", cordoned: true))
        #expect(try APIRequest(method: "POST", uri: "/v1/nodes/gpu-7/uncordon") == .cordon(node: "gpu-7", cordoned: false))
        #expect(try APIRequest(method: "POST", uri: "/v1/nodes/gpu-7/cordon").needsToken)
        #expect(try APIRequest(method: "POST", uri: "/v1/recoveries/approve?id=3") == .approve(id: 3))
        #expect(try APIRequest(method: "POST", uri: "/v1/recoveries/approve?id=3").needsToken)
        #expect(try APIRequest(method: "POST", uri: "/v1/jobs/restart?job=train&exclude=n3,n4") == .restart(job: "train", exclude: ["n3", "n4"], dryRun: false))
        #expect(try APIRequest(method: "POST", uri: "/v1/jobs/restart?job=train&dry-run=1") == .restart(job: "train", exclude: [], dryRun: true))
        #expect(try APIRequest(method: "POST", uri: "/v1/jobs/stop?job=train&grace=2") == .stop(job: "train", graceNs: 2_000_000_000))
        #expect(try APIRequest(method: "POST", uri: "/v1/jobs/stop?job=train").needsToken)
        #expect(throws: APIError.self) { try APIRequest(method: "POST", uri: "/v1/jobs/restart?job=train&exclude=n;3") }
        #expect(try !APIRequest(method: "GET", uri: "/v1/nodes").needsToken)
    }

    /// A launch's run spec comes whole in the body, checked before anything starts.
    @Test func aLaunchCarriesItsRunSpecInTheBody() throws {
        let spec = RunSpec(job: "train", hosts: [HostSlots(host: "n1", slots: 2)], command: ["vigil-train"],
                           environment: ["TOKEN": "s3cret"], libvigil: "/opt/libvigil.so")
        let body = Array(try JSONEncoder().encode(spec))
        let launch = try APIRequest(method: "POST", uri: "/v1/jobs?start-timeout=30", body: body)
        #expect(launch == .launch(spec, startTimeoutNs: 30_000_000_000))
        #expect(launch.needsToken)
        #expect(throws: APIError.self) { try APIRequest(method: "POST", uri: "/v1/jobs", body: Array("{}".utf8)) }
        #expect(throws: APIError.self) { try APIRequest(method: "POST", uri: "/v1/jobs?start-timeout=0", body: body) }
        var hostile = spec
        for host in ["n1;reboot", "$(reboot)", "a\nb", "`id`", "-oProxyCommand=x"] {
            hostile.hosts = [HostSlots(host: host, slots: 1)]
            #expect(throws: APIError.self, "\(host)") {
                try APIRequest(method: "POST", uri: "/v1/jobs", body: Array(try JSONEncoder().encode(hostile)))
            }
        }
        hostile = spec
        hostile.job = "x;$(id)"
        #expect(throws: APIError.self) { try APIRequest(method: "POST", uri: "/v1/jobs", body: Array(try JSONEncoder().encode(hostile))) }
    }

    @Test func aNoteIsPercentDecodedAndChecked() throws {
        let note = try APIRequest(method: "POST", uri: "/v1/notes?text=fault+drill%3A%20rank%203%20%2B%201%20%E2%9C%93&job=j-1&node=n3")
        #expect(note == .note(try OperatorNote(text: "fault drill: rank 3 + 1 ✓", job: "j-1", node: "n3")))
        #expect(note.needsToken)
        #expect(throws: APIError.badRequest("text is required")) { try APIRequest(method: "POST", uri: "/v1/notes?job=j") }
        #expect(throws: APIError.badRequest("text must be percent-encoded UTF-8")) {
            try APIRequest(method: "POST", uri: "/v1/notes?text=%E2%9C")
        }
        #expect(throws: APIError.badRequest(NoteError.controlCharacter.description)) {
            try APIRequest(method: "POST", uri: "/v1/notes?text=a%0Ab")
        }
        #expect(throws: APIError.badRequest(NoteError.badName("node").description)) {
            try APIRequest(method: "POST", uri: "/v1/notes?text=a&node=a%20b")
        }
        #expect(throws: APIError.notFound("/v1/notes")) { try APIRequest(method: "GET", uri: "/v1/notes") }
    }

    @Test func tokensCompareWithoutShortcuts() {
        #expect(constantTimeEqual(Array("secret".utf8), Array("secret".utf8)))
        #expect(!constantTimeEqual(Array("secret".utf8), Array("secreT".utf8)))
        #expect(!constantTimeEqual(Array("secret".utf8), Array("secret2".utf8)))
        #expect(!constantTimeEqual([], Array("x".utf8)))
    }
}
