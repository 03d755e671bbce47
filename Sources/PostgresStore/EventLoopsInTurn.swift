import Dispatch
import NIOCore
import Synchronization

/// The event loops the pool opens its connections on, each in turn.
///
/// PostgresClient opens a connection on its group's `any()`, which on one of the group's threads is that thread's
/// loop. With Swift's tasks running on the event loops, the pool ran on one of them and opened every connection
/// there, and a request's work after each statement went on on that loop: one core ran all of it while the other
/// idled (a third of the machine idle under 64 clients listing users). The turn is this pool's own, so its
/// connections spread evenly whatever else takes loops from the group.
final class EventLoopsInTurn: EventLoopGroup {
    private let loops: [any EventLoop]
    private let turn = Atomic<UInt>(0)

    init(_ group: any EventLoopGroup) {
        loops = Array(group.makeIterator())
    }

    func next() -> any EventLoop {
        loops[Int(turn.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(loops.count))]
    }

    func any() -> any EventLoop { next() }

    func makeIterator() -> EventLoopIterator { EventLoopIterator(loops) }

    /// The loops are the group's, which outlives this view of it.
    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void) {
        queue.async { callback(EventLoopError.unsupportedOperation) }
    }
}
