import NIOCore
import Directory
import Foundation
import Hummingbird
import Logging
import SCIMHTTP
import SQLiteStore

/// The composition root: opens the store, wires the directory and the routes, and builds the server.
public enum Roster {
    /// Opens the store named by `configuration.database`, creating and migrating it if needed.
    public static func openStore(_ configuration: Configuration) throws -> any Store {
        let location = configuration.database
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw ConfigurationError(
                "PostgreSQL is not supported by this build yet; use a SQLite file path for --database.")
        }
        return try SQLiteStore(path: location)
    }

    public static func directory(_ configuration: Configuration, store: any Store) -> Directory {
        Directory(store: store, baseURL: configuration.scimEndpoint)
    }

    /// The HTTP application serving `/scim/v2` and `/healthz`.
    public static func application(
        _ configuration: Configuration, store: any Store, logger: Logger = Logger(label: "roster"),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: SCIMRequestContext.self)
        router.get("healthz") { _, _ in "ok\n" }
        let authenticator = TokenAuthenticator(store: store, cacheLifetime: configuration.tokenCacheSeconds)
        SCIMRoutes(directory: directory(configuration, store: store), authenticator: authenticator)
            .register(on: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Roster"),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}

/// A configuration Roster cannot run with, reported to the operator as is.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
