/// The console's Mustache templates, compiled into the program so a deployed binary needs no files beside it.
/// `{{x}}` escapes HTML; no template uses the unescaped `{{{x}}}` form.
enum Templates {
    static var all: [String: String] {
        [
            "top": top, "bottom": bottom, "error": error, "sign-in": signIn, "setup": setup, "overview": overview,
            "tokens": tokens, "token-new": tokenNew, "token": token, "token-regenerate": tokenRegenerate,
            "people": people, "person": person,
            "groups": groups, "group": group, "activity": activity, "activity-list": activityList,
            "activity-detail": activityDetail,
            "token-choice": tokenChoice, "organizations": organizations, "organization": organization, "portal": portal,
            "portal-open": portalOpen, "token-table": tokenTable,
            "details": details, "pager": pager, "fields": fields, "field": field,
            "connect-okta": connectOkta, "endpoint-note": endpointNote, "administrators": administrators,
            "connect-entra": connectEntra, "last-request": lastRequest, "applications": applications,
            "sso": singleSignOn,
        ]
    }

    /// The frame of every page; it reads the page model's `layout`.
    static let top = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#layout}}
        <title>{{title}} · Roster</title>
        <link rel="stylesheet" href="/admin/assets/console.css">
        <script src="/admin/assets/console.js" defer></script>
        </head>
        <body>
        <header class="bar">
          <a class="brand" href="{{home}}">Roster</a>
          {{#signedIn}}
          {{#organizations}}
          <form class="org-switch" method="get" action="/admin/switch">
            <label for="org-switch">Organization</label>
            <select id="org-switch" name="to" data-navigate>
              {{#options}}<option value="{{href}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/options}}
            </select>
            <button type="submit">Open</button>
          </form>
          {{/organizations}}
          <form class="sign-out" method="post" action="{{signOut}}">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <span>{{adminName}}</span> <button type="submit">Sign out</button>
          </form>
          <nav aria-label="Admin">
            {{#nav}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{title}}</a>{{/nav}}
          </nav>
          {{/signedIn}}
        </header>
        <main>
        {{#flash}}<p class="flash" role="status">{{flash}}</p>{{/flash}}
        {{/layout}}
        """

    static let administrators = """
        {{>top}}
        <h1>Administrators</h1>
        <p>Everyone listed here can sign in to this console and manage every organization's tokens, fields and people.</p>
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        <div class="table-wrap">
        <table class="list">
          <thead><tr><th>Name</th><th>Added</th><th></th></tr></thead>
          <tbody>
          {{#administrators}}
          <tr><td data-label="Name">{{username}}{{#isYou}} <small>(you)</small>{{/isYou}}</td><td data-label="Added">{{created}}</td>
            <td>{{#removable}}<details class="inline-confirm"><summary>Remove…</summary>
              <form method="post" action="/admin/administrators/{{id}}/remove">
              <input type="hidden" name="csrf" value="{{layout.csrf}}">
              <p>{{username}} can no longer sign in, and their sessions end at once.</p>
              <button type="submit" class="danger">Remove {{username}}</button></form></details>{{/removable}}
              {{^removable}}<small>The last administrator cannot be removed.</small>{{/removable}}</td></tr>
          {{/administrators}}
          </tbody>
        </table>
        </div>
        <h2>Add an administrator</h2>
        <form method="post" action="/admin/administrators" class="narrow-form">
          <input type="hidden" name="csrf" value="{{layout.csrf}}">
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
        {{#layout.endpointGuessed}}
        <small class="endpoint-note">The address your browser used; identity providers must reach Roster at the same.
          Start <code>roster serve</code> with <code>--public-url</code> to fix it.</small>
        {{/layout.endpointGuessed}}
        """

    static let bottom = """
        </main>
        </body>
        </html>
        """

    static let error = """
        {{>top}}
        <h1>{{layout.title}}</h1>
        <p class="notice error" role="alert">{{detail}}</p>
        <p><a href="{{layout.home}}">Back</a></p>
        {{>bottom}}
        """

    static let signIn = """
        {{>top}}
        <section class="narrow">
        <h1>Sign in to Roster</h1>
        {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/admin/sign-in">
          <input type="hidden" name="csrf" value="{{csrf}}">
          {{#next}}<input type="hidden" name="next" value="{{next}}">{{/next}}
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
        <h1>Overview{{#layout.organizations}} <small>{{current}}</small>{{/layout.organizations}}</h1>
        <div class="cards">
          <a class="card" href="{{base}}/people"><strong>{{people}}</strong> people<br><small>{{activePeople}} active</small></a>
          <a class="card" href="{{base}}/groups"><strong>{{groups}}</strong> groups</a>
          <a class="card" href="{{base}}/tokens"><strong>{{activeTokens}}</strong> active SCIM tokens</a>
        </div>
        {{#noTokens}}
        <p class="notice">No SCIM token yet. <a href="{{base}}/tokens/new">Create one</a>, then follow
          <a href="{{base}}/connect/okta">Connect Okta</a> or <a href="{{base}}/connect/entra">Connect Entra ID</a>.</p>
        {{/noTokens}}
        <p>SCIM endpoint: <code>{{endpoint}}</code>{{>endpoint-note}}</p>
        <h2>Latest failed requests</h2>
        {{#noRequests}}<p class="muted">No provisioning request has arrived yet.</p>{{/noRequests}}
        {{^noRequests}}{{^events}}<p class="muted">None among the requests kept: every one succeeded.</p>{{/events}}{{/noRequests}}
        {{>activity-list}}
        {{#hasEvents}}<p><a href="{{base}}/activity?outcome=failed">All failed requests</a></p>{{/hasEvents}}
        {{>bottom}}
        """
}
