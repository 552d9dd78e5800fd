/// One Prometheus gauge value as a pure builder computes it: a name, its
/// labels (bounded: job, node, class, level, state; never a rank) and the value.
public struct MetricSample: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var labels: [Label]
    public var value: Double

    public struct Label: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(_ name: String, _ labels: [Label], _ value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    public init(_ name: String, _ value: Double) { self.init(name, [], value) }

    /// The series, as Prometheus writes it: `name{a="x",b="y"}`.
    public var series: String {
        labels.isEmpty ? name : name + "{" + labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    public var description: String { "\(series) \(value)" }
}
