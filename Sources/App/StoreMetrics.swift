import Prometheus

/// What the store is doing: operations in flight and how long each kind takes, waiting for a connection included.
///
/// Neither store exposes its pool: GRDB's `DatabasePool` has no metrics, and postgres-nio 1.33 keeps its pool's
/// observability delegate internal. Every store operation holds or waits for at most one connection at a time, so
/// operations in flight are an upper bound on connections in use; above the pool size, the rest are waiting.
struct StoreMetrics: Sendable {
    /// 0.1 ms to 10 s: a SQLite lookup is a fraction of a millisecond, a page of a large search is seconds.
    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    static var inFlightName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "roster", subsystem: "store", metricName: "operations_in_flight", unitName: "",
            helpText: "Store operations running or waiting for a database connection.")
    }
    static var durationName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "roster", subsystem: "store", metricName: "operation_duration", unitName: "seconds",
            helpText: "Time a store operation takes, waiting for a connection included, by operation.")
    }
    static var poolSizeName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "roster", subsystem: "database", metricName: "pool_max_connections", unitName: "",
            helpText: "The most PostgreSQL connections this instance opens (--database-pool-size).")
    }

    let inFlight: Gauge
    let durations: [StoreOperation: DurationHistogram]

    /// `poolSize` is the PostgreSQL pool's size, nil for SQLite.
    init(registry: PrometheusCollectorRegistry, poolSize: Int?) {
        inFlight = registry.makeGauge(descriptor: Self.inFlightName)
        var durations: [StoreOperation: DurationHistogram] = [:]
        for operation in StoreOperation.allCases {
            durations[operation] = registry.makeDurationHistogram(
                descriptor: Self.durationName, labels: [("operation", operation.rawValue)], buckets: Self.buckets)
        }
        self.durations = durations
        if let poolSize { registry.makeGauge(descriptor: Self.poolSizeName).set(Double(poolSize)) }
    }

    /// Runs one store operation, counting it in flight and recording its duration, whether it succeeds or throws.
    func measure<T>(_ operation: StoreOperation, _ body: () async throws -> T) async rethrows -> T {
        inFlight.increment()
        let started = ContinuousClock.now
        defer {
            durations[operation]?.record(ContinuousClock.now - started)
            inFlight.decrement()
        }
        return try await body()
    }
}

/// The operations of the resource and token stores, as the `operation` label names them.
enum StoreOperation: String, CaseIterable, Sendable {
    case insert, insertMany = "insert_many", fetch, update, changeMembers = "change_members", delete, search
    case members, memberIDs = "member_ids", groups, isReady = "is_ready"
    case insertToken = "insert_token", token, tokens, setTokenStatus = "set_token_status"
    case replaceTokenSecret = "replace_token_secret", deleteToken = "delete_token"
    case recordTokenUse = "record_token_use"
}
