import Foundation

/// A value shared by concurrent tasks in a test.
public final class Mutexed<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    public init(_ value: Value) { stored = value }

    public var value: Value { lock.withLock { stored } }

    public func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
