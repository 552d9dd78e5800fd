import ArgumentParser
import Foundation
import VigilAlerts
import VigilCore

/// Where `vigil server` sends alerts (docs/recovery.md): each flag adds a target.
struct AlertOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A program run per incident raised and resolved: the event as JSON on stdin, "
                               + "VIGIL_ALERT_ACTION, VIGIL_INCIDENT_KEY, … in its environment (repeatable).", valueName: "path"))
    var alertExec: [String] = []

    @Option(help: ArgumentHelp("Prometheus Alertmanager to post alerts to (its base URL).", valueName: "url"))
    var alertmanager: [String] = []

    @Option(help: ArgumentHelp("A Slack-compatible incoming webhook.", valueName: "url"))
    var slackWebhook: [String] = []

    @Option(help: ArgumentHelp("A PagerDuty Events v2 routing key: incidents trigger and resolve there.", valueName: "key"))
    var pagerdutyRoutingKey: String?

    @Option(help: ArgumentHelp("PagerDuty's events endpoint.", valueName: "url"))
    var pagerdutyURL = "https://events.pagerduty.com/v2/enqueue"

    @Option(help: ArgumentHelp("Only incidents at least this severe: warning (every class) or critical "
                               + "(hangs, crashes, nodes and links down).", valueName: "severity"))
    var alertSeverity = "warning"

    @Option(help: ArgumentHelp("Only these incident classes (comma-separated or repeated; default: all).", valueName: "classes"))
    var alertClasses: [String] = []

    private var classNames: [String] { alertClasses.flatMap { $0.split(separator: ",").map(String.init) } }

    func validate() throws {
        guard AlertEvent.Severity(rawValue: alertSeverity) != nil else { throw ValidationError("--alert-severity must be warning or critical") }
        for name in classNames where Incident.Class(rawValue: name) == nil {
            throw ValidationError("--alert-classes: no incident class '\(name)' (classes: "
                                  + Incident.Class.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        for url in alertmanager + slackWebhook + [pagerdutyURL] {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw ValidationError("not an http(s) URL: \(url)")
            }
        }
        for path in alertExec where !FileManager.default.isExecutableFile(atPath: path) {
            throw ValidationError("--alert-exec \(path): not an executable file")
        }
    }

    var targets: [AlertTarget] {
        let classes = classNames.isEmpty ? Set(Incident.Class.allCases) : Set(classNames.compactMap(Incident.Class.init(rawValue:)))
        let severity = AlertEvent.Severity(rawValue: alertSeverity) ?? .warning
        let kinds: [AlertTarget.Kind] = alertExec.map { .exec(path: $0) } + alertmanager.map { .alertmanager(url: $0) }
            + slackWebhook.map { .slack(url: $0) } + (pagerdutyRoutingKey.map { [.pagerDuty(url: pagerdutyURL, routingKey: $0)] } ?? [])
        return kinds.map { AlertTarget($0, classes: classes, minimumSeverity: severity) }
    }
}
