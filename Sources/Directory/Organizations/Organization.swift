import Foundation
import SCIMCore

/// The store's key of an organization, which leads every key and index of the rows it owns. Opaque outside the
/// stores; the public id is `Organization.id`.
public struct OrganizationKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: Int64

    public init(_ rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// The organization every database has, which a single-company install never needs to name.
    public static let `default` = OrganizationKey(1)

    public static func < (lhs: OrganizationKey, rhs: OrganizationKey) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "organization \(rawValue)" }
}

/// A customer company: its own directory, SCIM tokens, custom fields and settings, kept apart from every other's.
public struct Organization: Sendable, Hashable {
    public var key: OrganizationKey
    /// The public id, a UUID in lower case.
    public var id: String
    public var name: String
    /// The email domains of its people (lower case, without `@`), each belonging to one organization at most.
    public var domains: [String]
    public var created: Date

    public init(key: OrganizationKey, id: String, name: String, domains: [String], created: Date) {
        self.key = key
        self.id = id
        self.name = name
        self.domains = domains
        self.created = created
    }

    public var isDefault: Bool { key == .default }

    /// The name as the store keeps it unique: case-folded, so "Acme" and "ACME" are one organization.
    public var nameKey: String { Folding.fold(name) }
}

/// How many users and groups an organization holds.
public struct ResourceCounts: Sendable, Hashable {
    public var users: Int
    public var groups: Int

    public init(users: Int, groups: Int) {
        self.users = users
        self.groups = groups
    }
}

/// An organization's name or one of its domains is already another's.
public struct OrganizationConflict: Error, Sendable, Hashable {
    public enum What: Sendable, Hashable {
        case name
        case domain(String?)
    }

    public var what: What

    public init(_ what: What) {
        self.what = what
    }
}

extension Organization {
    /// A name people can tell apart: 1 to 100 characters, trimmed, no control characters.
    static func checkedName(_ name: String) throws(SCIMError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 100 else {
            throw .invalidValue("An organization's name must have 1 to 100 characters.")
        }
        guard !DisplayText.isDeceptive(trimmed) else {
            throw .invalidValue(
                "An organization's name must not contain control characters or text-direction overrides.")
        }
        return trimmed
    }

    /// Email domains in lower case, without a leading `@`, each a host name of at least two labels; duplicates
    /// are dropped. A domain that is not one is refused with the reason.
    static func checkedDomains(_ domains: [String]) throws(SCIMError) -> [String] {
        var result: [String] = []
        for raw in domains {
            var domain = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if domain.hasPrefix("@") { domain.removeFirst() }
            if domain.hasSuffix(".") { domain.removeLast() }
            guard isHostName(domain) else {
                throw .invalidValue("\"\(raw)\" is not an email domain such as example.com.")
            }
            if !result.contains(domain) { result.append(domain) }
        }
        guard result.count <= 100 else { throw .invalidValue("An organization may have at most 100 domains.") }
        return result
    }

    /// Letters, digits and hyphens (ASCII, as IDNA's A-labels are), labels of 1 to 63 characters not starting or
    /// ending with a hyphen, at least two of them, 253 characters at most.
    private static func isHostName(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        // The last label names a top-level domain, never all digits: 10.0.0.1 is an address, not a domain.
        guard text.utf8.count <= 253, labels.count >= 2, labels.last?.contains(where: \.isLetter) == true
        else { return false }
        return labels.allSatisfy { label in
            label.utf8.count >= 1 && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { byte in
                    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
                }
        }
    }
}
