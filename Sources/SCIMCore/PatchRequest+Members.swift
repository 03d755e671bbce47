/// A change to a group's member list that can be applied row by row, without reading the list.
public enum MemberEdit: Sendable, Hashable {
    case add([String])
    case remove([String])
    case removeAll
}

extension PatchRequest {
    /// Splits the operations on `members` off as row edits, so a PATCH on a group of any size never loads its
    /// members; nil when some member operation needs the whole list (a filter on `type`, say).
    ///
    /// Understood: `add`/`replace` of `members` with a value list (also inside a pathless value), `remove` of
    /// `members` with no value (everyone) or with a value list (Entra ID: only those listed), and `remove` of
    /// `members[value eq "…"]`, with `or` between several ids (Okta).
    public func separatingMemberEdits() -> (rest: PatchRequest, edits: [MemberEdit])? {
        var rest: [PatchOperation] = []
        var edits: [MemberEdit] = []
        for operation in operations {
            if let path = operation.path {
                guard path.attribute.schema.map({ $0.caseInsensitiveEquals(Schema.group.id) }) ?? true,
                    path.attribute.name.caseInsensitiveEquals("members")
                else {
                    rest.append(operation)
                    continue
                }
                guard let memberEdits = Self.edits(operation.op, path: path, value: operation.value) else { return nil }
                edits += memberEdits
            } else if case .object(var object) = operation.value, let members = object.removeValue(forKey: "members") {
                guard
                    let memberEdits = Self.edits(
                        operation.op, path: PatchPath(attribute: AttributePath(name: "members")), value: members)
                else { return nil }
                edits += memberEdits
                if !object.isEmpty { rest.append(PatchOperation(op: operation.op, value: .object(object))) }
            } else {
                rest.append(operation)
            }
        }
        return (PatchRequest(operations: rest), edits)
    }

    private static func edits(_ op: PatchOperation.Op, path: PatchPath, value: JSON?) -> [MemberEdit]? {
        guard path.attribute.subAttribute == nil, path.subAttributeAfterFilter == nil else { return nil }
        if let filter = path.filter {
            guard op == .remove, let ids = memberIDs(in: filter) else { return nil }
            return [.remove(ids)]
        }
        switch op {
        case .add:
            return memberIDs(in: value).map { [.add($0)] }
        case .replace:
            return memberIDs(in: value).map { [.removeAll, .add($0)] }
        case .remove:
            guard let value, value != .null else { return [.removeAll] }
            return memberIDs(in: value).map { [.remove($0)] }
        }
    }

    /// The ids of a member value list (or a single member object); nil when an element has no string `value`.
    private static func memberIDs(in value: JSON?) -> [String]? {
        let elements: [JSON]
        switch value {
        case .array(let values)?: elements = values
        case .object?: elements = [value ?? .null]
        default: return nil
        }
        var ids: [String] = []
        for element in elements {
            guard let id = element["value"]?.stringValue, !id.isEmpty else { return nil }
            ids.append(id)
        }
        return ids
    }

    /// `value eq "a"` or `value eq "a" or value eq "b"`.
    private static func memberIDs(in filter: Filter) -> [String]? {
        switch filter {
        case .compare(let path, .eq, .string(let id))
        where path.schema == nil && path.subAttribute == nil
            && path.name.caseInsensitiveEquals("value"):
            return [id]
        case .or(let lhs, let rhs):
            guard let left = memberIDs(in: lhs), let right = memberIDs(in: rhs) else { return nil }
            return left + right
        default:
            return nil
        }
    }
}
