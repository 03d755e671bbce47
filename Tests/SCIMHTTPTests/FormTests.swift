import SCIMHTTP
import Testing

/// Form bodies and query strings as OAuth and the console read them, decoded byte by byte.
struct FormTests {
    @Test func fieldsDecodeAsFormsDo() {
        let form = Form(urlEncoded: "a=1+2&b=%C3%A9t%C3%A9&c=x%3Dy%26z&d&=lost&e=&a=3&%E2%9C%93=ok")
        #expect(form["a"] == "3")
        #expect(form.repeated == ["a"])
        #expect(form["b"] == "été")
        #expect(form["c"] == "x=y&z")
        #expect(form["d"] == "")
        #expect(form["e"] == "")
        #expect(form["✓"] == "ok")
        #expect(form.fields.count == 6)
    }

    @Test func malformedEncodingsReadAsEmpty() {
        let form = Form(urlEncoded: "bad=%zz&short=%4&notutf8=%FF%FE&trail=ok%")
        #expect(form["bad"] == "")
        #expect(form["short"] == "")
        #expect(form["notutf8"] == "")
        #expect(form["trail"] == "")
        #expect(Form(urlEncoded: "").fields.isEmpty)
        #expect(Form(urlEncoded: "&&&").fields.isEmpty)
    }
}
