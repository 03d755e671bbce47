import Dispatch
import NIOCore

/// The event loops the pool opens its connections on, each in turn.
///
/// PostgresClient opens a connection on its group's `any()`, which on one of the group's threads is that thread's
/// loop. With Swift's tasks running on the event loops, the pool ran on one of them and opened every connection
/// there, and a request's work after each statement went on on that loop: one core ran all of it while the other
/// idled (a third of the machine idle under 64 clients listing users).
final class EventLoopsInTurn: EventLoopGroup {
    private let group: any EventLoopGroup

    init(_ group: any EventLoopGroup) {
        self.group = group
    }

    func next() -> any EventLoop { group.next() }
    func any() -> any EventLoop { group.next() }
    func makeIterator() -> EventLoopIterator { group.makeIterator() }

    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void) {
        group.shutdownGracefully(queue: queue, callback)
    }
}
