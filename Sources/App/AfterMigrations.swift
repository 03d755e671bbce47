import ServiceLifecycle

/// Runs a background service once the database's migrations are done. On a new PostgreSQL database they run
/// while the services start (its client is one of them), and the services' first passes failed on tables not
/// made yet: three warnings at the first start of every new database.
struct AfterMigrations: Service {
    let service: any Service
    let isReady: @Sendable () async -> Bool

    func run() async throws {
        while await !isReady() {
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(200)) }
        }
        try await service.run()
    }
}
