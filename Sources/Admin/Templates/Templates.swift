/// The console's Mustache templates, compiled into the program so a deployed binary needs no files beside it.
/// `{{x}}` escapes HTML; no template uses the unescaped `{{{x}}}` form.
enum Templates {
    static var all: [String: String] {
        [
            "top": top, "bottom": bottom, "error": error, "sign-in": signIn, "setup": setup, "overview": overview,
            "tokens": tokens, "token-new": tokenNew, "token": token, "people": people, "person": person,
            "groups": groups, "group": group, "activity": activity, "activity-table": activityTable,
            "details": details, "pager": pager, "recent": recent, "fields": fields, "field": field,
            "connect-okta": connectOkta, "endpoint-note": endpointNote, "administrators": administrators,
            "connect-entra": connectEntra, "last-request": lastRequest,
        ]
    }

    static let top = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Roster</title>
        <link rel="stylesheet" href="/admin/assets/console.css">
        <script src="/admin/assets/console.js" defer></script>
        </head>
        <body>
        <header class="bar">
          <a class="brand" href="/admin">Roster</a>
          {{#signedIn}}
          <nav aria-label="Admin">
            <a href="/admin" {{#section_overview}}aria-current="page"{{/section_overview}}>Overview</a>
            <a href="/admin/tokens" {{#section_tokens}}aria-current="page"{{/section_tokens}}>SCIM Tokens</a>
            <a href="/admin/people" {{#section_people}}aria-current="page"{{/section_people}}>People</a>
            <a href="/admin/groups" {{#section_groups}}aria-current="page"{{/section_groups}}>Groups</a>
            <a href="/admin/fields" {{#section_fields}}aria-current="page"{{/section_fields}}>Custom fields</a>
            <a href="/admin/activity" {{#section_activity}}aria-current="page"{{/section_activity}}>Provisioning activity</a>
            <a href="/admin/connect/okta" {{#section_connect-okta}}aria-current="page"{{/section_connect-okta}}>Connect Okta</a>
            <a href="/admin/connect/entra" {{#section_connect-entra}}aria-current="page"{{/section_connect-entra}}>Connect Entra ID</a>
            <a href="/admin/administrators" {{#section_administrators}}aria-current="page"{{/section_administrators}}>Administrators</a>
          </nav>
          <form class="sign-out" method="post" action="/admin/sign-out">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <span>{{adminName}}</span> <button type="submit">Sign out</button>
          </form>
          {{/signedIn}}
        </header>
        <main>
        """

    static let administrators = """
        {{>top}}
        <h1>Administrators</h1>
        <p>Everyone listed here can sign in to this console and manage every organization's tokens, fields and people.</p>
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        {{#added}}<p class="notice" role="status">{{added}} can now sign in.</p>{{/added}}
        <table>
          <thead><tr><th>Name</th><th>Added</th><th></th></tr></thead>
          <tbody>
          {{#administrators}}
          <tr><td>{{username}}{{#isYou}} <small>(you)</small>{{/isYou}}</td><td>{{created}}</td>
            <td>{{#removable}}<form method="post" action="/admin/administrators/{{id}}/remove">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <button type="submit">Remove</button></form>{{/removable}}
              {{^removable}}<small>The last administrator cannot be removed.</small>{{/removable}}</td></tr>
          {{/administrators}}
          </tbody>
        </table>
        <h2>Add an administrator</h2>
        <form method="post" action="/admin/administrators" class="narrow-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>Name <input name="username" value="{{username}}" maxlength="100" autocomplete="off" required></label>
          <label>Password (at least {{minimumPassword}} characters)
            <input type="password" name="password" autocomplete="new-password" required></label>
          <label>Password again <input type="password" name="confirm" autocomplete="new-password" required></label>
          <button type="submit" class="primary">Add administrator</button>
        </form>
        {{>bottom}}
        """

    /// Beside an endpoint the console could only infer.
    static let endpointNote = """
        {{#endpointGuessed}}
        <small class="endpoint-note">The address your browser used; identity providers must reach Roster at the same.
          Start <code>roster serve</code> with <code>--public-url</code> to fix it.</small>
        {{/endpointGuessed}}
        """

    static let bottom = """
        </main>
        </body>
        </html>
        """

    static let error = """
        {{>top}}
        <h1>{{title}}</h1>
        <p class="notice error" role="alert">{{detail}}</p>
        <p><a href="/admin">Back to the console</a></p>
        {{>bottom}}
        """

    static let signIn = """
        {{>top}}
        <section class="narrow">
        <h1>Sign in to Roster</h1>
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/admin/sign-in">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>Name <input name="username" value="{{username}}" autocomplete="username" required autofocus></label>
          <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
          <button type="submit" class="primary">Sign in</button>
        </form>
        </section>
        {{>bottom}}
        """

    static let setup = """
        {{>top}}
        <section class="narrow">
        <h1>Create the first administrator</h1>
        <p>This link works once, until an administrator exists.</p>
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/admin/setup">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="setupToken" value="{{setupToken}}">
          <label>Name <input name="username" value="{{username}}" autocomplete="username" required autofocus></label>
          <label>Password (at least 10 characters)
            <input type="password" name="password" autocomplete="new-password" minlength="10" required></label>
          <label>Password again <input type="password" name="confirm" autocomplete="new-password" required></label>
          <button type="submit" class="primary">Create administrator</button>
        </form>
        </section>
        {{>bottom}}
        """

    static let overview = """
        {{>top}}
        <h1>Overview</h1>
        <div class="cards">
          <a class="card" href="/admin/people"><strong>{{people}}</strong> people<br><small>{{activePeople}} active</small></a>
          <a class="card" href="/admin/groups"><strong>{{groups}}</strong> groups</a>
          <a class="card" href="/admin/tokens"><strong>{{activeTokens}}</strong> active SCIM tokens</a>
        </div>
        {{#noTokens}}
        <p class="notice">No SCIM token yet. <a href="/admin/tokens/new">Create one</a>, then follow
          <a href="/admin/connect/okta">Connect Okta</a> or <a href="/admin/connect/entra">Connect Entra ID</a>.</p>
        {{/noTokens}}
        <p>SCIM endpoint: <code>{{endpoint}}</code>{{>endpoint-note}}</p>
        <h2>Latest failed requests</h2>
        {{^events}}<p>None: every provisioning request so far succeeded.</p>{{/events}}
        {{>activity-table}}
        {{#hasEvents}}<p><a href="/admin/activity?outcome=failed">All failed requests</a></p>{{/hasEvents}}
        {{>bottom}}
        """
}
