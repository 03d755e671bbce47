import SCIMCore
import Testing

/// The work of a PATCH, known before it is applied: operations × elements × comparisons.
@Test func aPatchsWorkCountsElementsTimesComparisons() throws {
    let emails = JSON.array((0..<1990).map { .object(["value": .string("e\($0)@example.com")]) })
    let document: JSONObject = ["userName": "u", "emails": emails]
    let filter = (0..<20).map { #"value co \"q\#($0)\""# }.joined(separator: " or ")
    let operation = #"{"op":"remove","path":"emails[\#(filter)]"}"#
    let body =
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operation),\#(operation)]}"#
    let request = try PatchRequest.parse(try JSON.parse(Array(body.utf8)))
    #expect(request.work(on: document) == 2 * (1 + 1 + 1990 * 20))
    let plain = try PatchRequest.parse(
        try JSON.parse(
            Array(
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"x"}]}"#
                    .utf8)))
    #expect(plain.work(on: document) == 2)
    let plainFilter = (0..<20).map { #"value co "q\#($0)""# }.joined(separator: " or ")
    #expect(try Filter.parse(plainFilter).comparisons == 20)
}
