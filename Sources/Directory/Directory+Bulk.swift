import Foundation
import SCIMCore

/// What became of one operation of a Bulk request: its entry in the BulkResponse and the facts for its activity.
public struct BulkOutcome: Sendable {
    public var index: Int
    public var method: String
    public var bulkId: String?
    public var kind: ResourceKind?
    /// The resource's id, once known (the new one for a POST).
    public var id: String?
    /// The name the operation gave its resource, for the activity log.
    public var name: String?
    public var location: String?
    public var version: String?
    public var status: Int
    public var error: SCIMError?
    /// An error that is not the client's (500), described for the log only.
    public var unexpected: String?
    /// The database's unavailability, when that is why it failed: nothing after it is attempted.
    public var unavailable: StoreUnavailable?
    public var changes: [String] = []
    public var elapsed: Duration = .zero

    /// The operation's entry in the BulkResponse (RFC 7644 §3.7.3): its error body when it failed.
    public var json: JSON {
        var object: JSONObject = [:]
        if let location { object["location"] = .string(location) }
        object["method"] = .string(method)
        if let bulkId { object["bulkId"] = .string(bulkId) }
        if let version { object["version"] = .string(version) }
        object["status"] = .string(String(status))
        if let error { object["response"] = error.body }
        return .object(object)
    }
}

/// The operations of a Bulk request that were attempted, in the order they were written.
public struct BulkResult: Sendable {
    public var outcomes: [BulkOutcome]
    /// Set when the database became unavailable: the operations after it were not attempted.
    public var unavailable: StoreUnavailable?
}

extension Directory {
    /// Runs a Bulk request (RFC 7644 §3.7). Each operation is atomic on its own, exactly as the same request sent
    /// alone. Operations run in the order written, except that one naming a `bulkId` waits for the POST that creates
    /// it, and operations on one resource keep their order among themselves; a reference that cannot be resolved
    /// (no such POST, the POST failed, or a circle of references) fails that operation with 409. Ready POSTs of
    /// different names run together (the database commits them together): no two of them touch one resource.
    /// With `failOnErrors`, operations run one at a time and stop after that many errors.
    public func bulk(_ request: BulkRequest) async -> BulkResult {
        let operations = request.operations
        var graph = BulkGraph(operations)
        var run = BulkRun(operations: operations, failOnErrors: request.failOnErrors)
        var ready = graph.ready
        while !run.stopped && !Task.isCancelled, let first = ready.first {
            var batch: [Int] = []
            var names = Set<String>()
            if request.failOnErrors == nil {
                while let next = ready.first, batch.count < Self.batchSize, graph.isPlainPOST(next, run: run),
                    let name = Self.name(of: operations[next]), names.insert(name).inserted
                {
                    ready.removeFirst()
                    batch.append(next)
                }
            }
            if batch.isEmpty {
                ready.removeFirst()
                batch = [first]
                await runAlone(first, graph: graph, run: &run)
            } else {
                await flush(batch, &run)
            }
            for index in batch { graph.release(index, into: &ready) }
        }
        // What never became ready waits on itself: a circle of bulkIds, or an operation that needs one.
        for index in operations.indices where graph.waiting(index) && !run.stopped && !Task.isCancelled {
            run.finish(
                index, error: Self.unresolvable("is in a circle of bulkId references that Roster does not resolve"))
        }
        return BulkResult(outcomes: run.outcomes.values.sorted { $0.index < $1.index }, unavailable: run.unavailable)
    }

    /// An operation on its own: its problem, a reference that cannot be resolved, or the operation itself.
    private func runAlone(_ index: Int, graph: BulkGraph, run: inout BulkRun) async {
        let operation = run.operations[index]
        if let problem = operation.problem {
            run.finish(index, error: problem)
        } else if let missing = operation.references.first(where: { graph.creators[$0] == nil }) {
            run.finish(index, error: Self.unresolvable("names bulkId \"\(missing)\", which no POST here has"))
        } else if let failed = operation.references.first(where: { run.failed.contains($0) }) {
            run.finish(index, error: Self.unresolvable("needs bulkId \"\(failed)\", whose POST failed"))
        } else {
            run.record(await execute(operation, index: index, ids: run.ids))
        }
    }

    /// POSTs that run together at most.
    static let batchSize = 64

    private func flush(_ batch: [Int], _ run: inout BulkRun) async {
        var outcomes: [BulkOutcome] = []
        var creates: [ResourceKind: [(index: Int, outcome: BulkOutcome, data: JSON)]] = [:]
        for index in batch {
            let operation = run.operations[index]
            guard let (kind, data) = Self.creation(operation, ids: run.ids) else {
                // Not one a batch can take as it is: answered the ordinary way, with its error.
                outcomes.append(await execute(operation, index: index, ids: run.ids))
                continue
            }
            var outcome = BulkOutcome(index: index, method: "POST", bulkId: operation.bulkId, status: 0)
            outcome.kind = kind
            outcome.name = data[kind.uniqueAttribute]?.stringValue
            creates[kind, default: []].append((index, outcome, data))
        }
        for (kind, items) in creates {
            let started = ContinuousClock.now
            let results = await createEach(kind, bodies: items.map(\.data), projection: Self.idOnly)
            let elapsed = (ContinuousClock.now - started) / items.count
            for (item, result) in zip(items, results) {
                var outcome = item.outcome
                switch result {
                case .success(let response): outcome.adopt(response, status: 201)
                case .failure(let error): outcome.fail(error)
                }
                outcome.elapsed = elapsed
                outcomes.append(outcome)
            }
        }
        for outcome in outcomes.sorted(by: { $0.index < $1.index }) { run.record(outcome) }
    }

    /// The kind and the data, bulkIds resolved, of a POST that names its endpoint rightly.
    private static func creation(_ operation: BulkOperation, ids: [String: String]) -> (ResourceKind, JSON)? {
        guard operation.verb == .post, let target = operation.target, let kind = kind(of: target.endpoint),
            let data = operation.data
        else { return nil }
        return (kind, BulkReference.resolve(data, ids: ids))
    }

    /// The key of the name a POST gives its resource: two POSTs with one name must run in their order.
    private static func name(of operation: BulkOperation) -> String? {
        guard let target = operation.target, let kind = kind(of: target.endpoint),
            let name = operation.data?[kind.uniqueAttribute]?.stringValue
        else { return nil }
        return "\(kind.rawValue)\n\(IdentityName.key(name))"
    }

    private static func kind(of endpoint: String) -> ResourceKind? {
        ResourceKind.allCases.first { String($0.endpoint.dropFirst()).caseInsensitiveEquals(endpoint) }
    }

    private static func unresolvable(_ problem: String) -> SCIMError {
        SCIMError(status: 409, scimType: "invalidValue", detail: "This operation \(problem).")
    }

    /// Only `id`: a Bulk response carries each resource's location and version, not the resource.
    private static let idOnly = Projection(attributes: [AttributePath(name: "id")], excludedAttributes: [])

    /// One operation, with its bulkIds replaced by the ids they stand for, as the same request sent alone.
    private func execute(_ operation: BulkOperation, index: Int, ids: [String: String]) async -> BulkOutcome {
        let started = ContinuousClock.now
        var outcome = BulkOutcome(
            index: index, method: operation.verb?.rawValue ?? operation.method, bulkId: operation.bulkId, status: 0)
        let path = BulkReference.resolve(path: operation.path, ids: ids)
        let data = operation.data.map { BulkReference.resolve($0, ids: ids) }
        var resolved = operation
        resolved.path = path
        guard let verb = operation.verb, let target = resolved.target, let kind = Self.kind(of: target.endpoint) else {
            outcome.status = 400
            outcome.error = .invalidValue(
                "\"\(operation.path)\" is not a path this operation can take: /Users or /Groups for a POST, "
                    + "/Users/{id} or /Groups/{id} otherwise.")
            outcome.elapsed = ContinuousClock.now - started
            return outcome
        }
        outcome.kind = kind
        outcome.id = target.id
        outcome.name = data?[kind.uniqueAttribute]?.stringValue
        if let id = target.id { outcome.location = location(kind, id: id) }
        let precondition = VersionPrecondition(ifMatch: operation.version)
        do {
            switch verb {
            case .post:
                let response = try await create(kind, body: data ?? .null, projection: Self.idOnly)
                outcome.adopt(response, status: 201)
            case .put:
                let response = try await replace(
                    kind, id: target.id ?? "", body: data ?? .null, precondition: precondition,
                    projection: Self.idOnly)
                outcome.adopt(response, status: 200)
            case .patch:
                let response = try await patch(
                    kind, id: target.id ?? "", body: data ?? .null, precondition: precondition,
                    projection: Self.idOnly)
                outcome.adopt(response, status: 200)
            case .delete:
                try await delete(kind, id: target.id ?? "", precondition: precondition)
                outcome.status = 204
            }
        } catch {
            outcome.fail(error)
        }
        outcome.elapsed = ContinuousClock.now - started
        return outcome
    }
}

extension BulkOutcome {
    /// The client's error as it is, the database's unavailability as a 503 (or 507), anything else as a 500.
    fileprivate mutating func fail(_ error: any Error) {
        if let error = error as? SCIMError {
            status = error.status
            self.error = error
        } else if let unavailable = StoreUnavailable.from(error) {
            status = unavailable.status
            var answer = SCIMError(status: unavailable.status, detail: unavailable.detail)
            answer.retryAfter = unavailable.retryAfter
            self.error = answer
            self.unavailable = unavailable
        } else {
            status = 500
            self.error = SCIMError(status: 500, detail: "Internal server error.")
            unexpected = String(reflecting: error)
        }
    }

    fileprivate mutating func adopt(_ response: ResourceResponse, status: Int) {
        self.status = status
        id = response.representation["id"]?.stringValue ?? id
        location = response.meta.location
        version = response.meta.etag
        changes = response.changes
    }
}

/// The order a Bulk request's operations may run in: each after the POSTs whose bulkIds it names, and after the
/// operations written before it on the same resource. Ready operations run lowest index first, so the written
/// order holds wherever references allow.
private struct BulkGraph {
    let operations: [BulkOperation]
    /// The operation creating each bulkId.
    var creators: [String: Int] = [:]
    var successors: [[Int]]
    var unmet: [Int]
    var released: [Bool]
    /// Operations with nothing to wait for, lowest index first.
    var ready: [Int] = []

    init(_ operations: [BulkOperation]) {
        self.operations = operations
        successors = Array(repeating: [], count: operations.count)
        unmet = Array(repeating: 0, count: operations.count)
        released = Array(repeating: false, count: operations.count)
        for (index, operation) in operations.enumerated() where operation.verb == .post && operation.problem == nil {
            if let bulkId = operation.bulkId, creators[bulkId] == nil { creators[bulkId] = index }
        }
        var lastOnTarget: [String: Int] = [:]
        for (index, operation) in operations.enumerated() where operation.problem == nil {
            var predecessors = Set(operation.references.compactMap { creators[$0] })
            if let target = Self.target(of: operation) {
                if operation.verb == .post {
                    // A resource's creation comes first among the operations on it, written before it or not: those
                    // name its bulkId, so they wait for it anyway.
                    if lastOnTarget[target] == nil { lastOnTarget[target] = index }
                } else {
                    if let last = lastOnTarget[target] { predecessors.insert(last) }
                    lastOnTarget[target] = index
                }
            }
            for predecessor in predecessors { successors[predecessor].append(index) }
            unmet[index] = predecessors.count
        }
        ready = operations.indices.filter { unmet[$0] == 0 }
    }

    /// The resource an operation acts on: the one its POST creates, or the one its path names.
    private static func target(of operation: BulkOperation) -> String? {
        if operation.verb == .post { return operation.bulkId.map { "bulkId:" + $0 } }
        return operation.path.split(separator: "/").last.map(String.init)
    }

    /// Whether `index` can go in a batch of POSTs: nothing about it fails before it runs.
    func isPlainPOST(_ index: Int, run: BulkRun) -> Bool {
        let operation = operations[index]
        return operation.verb == .post && operation.problem == nil
            && operation.references.allSatisfy { creators[$0] != nil && !run.failed.contains($0) }
    }

    /// `index` has run: what waited for it and nothing else is ready.
    mutating func release(_ index: Int, into ready: inout [Int]) {
        released[index] = true
        for successor in successors[index] {
            unmet[successor] -= 1
            if unmet[successor] == 0 {
                ready.insert(successor, at: ready.firstIndex { $0 > successor } ?? ready.endIndex)
            }
        }
    }

    /// Whether `index` never became ready.
    func waiting(_ index: Int) -> Bool { unmet[index] > 0 && !released[index] }
}

/// The state of a Bulk request as it runs: what each bulkId became, what was answered.
private struct BulkRun {
    let operations: [BulkOperation]
    let failOnErrors: Int?
    var outcomes: [Int: BulkOutcome] = [:]
    /// The id each successful POST's bulkId stands for.
    var ids: [String: String] = [:]
    /// The bulkIds of POSTs that failed.
    var failed = Set<String>()
    var errors = 0
    var unavailable: StoreUnavailable?
    var stopped: Bool { unavailable != nil || failOnErrors.map { errors >= $0 } == true }

    init(operations: [BulkOperation], failOnErrors: Int?) {
        self.operations = operations
        self.failOnErrors = failOnErrors
    }

    mutating func finish(_ index: Int, error: SCIMError) {
        let operation = operations[index]
        record(
            BulkOutcome(
                index: index, method: operation.verb?.rawValue ?? operation.method, bulkId: operation.bulkId,
                status: error.status, error: error))
    }

    mutating func record(_ outcome: BulkOutcome) {
        guard outcomes[outcome.index] == nil else { return }
        outcomes[outcome.index] = outcome
        let operation = operations[outcome.index]
        if outcome.status >= 400 {
            errors += 1
            if let bulkId = operation.bulkId, operation.verb == .post { failed.insert(bulkId) }
            if unavailable == nil { unavailable = outcome.unavailable }
        } else if let bulkId = operation.bulkId, operation.verb == .post, let id = outcome.id {
            ids[bulkId] = id
        }
    }
}
