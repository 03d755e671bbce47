extension Templates {
    static let people = """
        {{>top}}
        <h1>People <small>{{total}}</small></h1>
        <form method="get" action="/admin/people" class="search">
          <input type="search" name="q" value="{{q}}" placeholder="userName, name or email" aria-label="Search people">
          <select name="status" aria-label="Status">
            <option value="all" {{#status_all}}selected{{/status_all}}>Everyone</option>
            <option value="active" {{#status_active}}selected{{/status_active}}>Active</option>
            <option value="deactivated" {{#status_deactivated}}selected{{/status_deactivated}}>Deactivated</option>
          </select>
          <button type="submit">Search</button>
        </form>
        {{^people}}<p class="notice">Nobody matches.</p>{{/people}}
        <table>
          <thead><tr><th>userName</th><th>Name</th><th>Email</th><th>Status</th></tr></thead>
          <tbody>
          {{#people}}
          <tr><td><a href="/admin/people/{{id}}">{{userName}}</a></td><td>{{name}}</td><td>{{email}}</td>
            <td>{{#active}}<span class="status">Active</span>{{/active}}{{^active}}<span class="status off">Deactivated</span>{{/active}}</td></tr>
          {{/people}}
          </tbody>
        </table>
        {{>pager}}
        {{>bottom}}
        """

    static let pager = """
        <nav class="pager" aria-label="Pages">
          {{#previous}}<a href="{{previous}}" rel="prev">← Previous</a>{{/previous}}
          <span>Page {{page}} of {{pages}}</span>
          {{#next}}<a href="{{next}}" rel="next">Next →</a>{{/next}}
        </nav>
        """

    static let person = """
        {{>top}}
        <p><a href="/admin/people">People</a> ›</p>
        <h1>{{title}} {{#active}}<span class="status">Active</span>{{/active}}{{^active}}<span class="status off">Deactivated</span>{{/active}}</h1>
        {{>details}}
        <h2>Groups</h2>
        {{^groups}}<p>Not in any group.</p>{{/groups}}
        <ul>{{#groups}}<li><a href="/admin/groups/{{id}}">{{name}}</a></li>{{/groups}}</ul>
        {{>recent}}
        {{>bottom}}
        """

    static let details = """
        <dl class="facts">
          <dt>id</dt><dd><code>{{id}}</code></dd>
          <dt>Created</dt><dd>{{created}} by {{createdBy}}</dd>
          <dt>Last changed</dt><dd>{{modified}} by {{modifiedBy}} (version {{version}})</dd>
        </dl>
        <h2>Attributes</h2>
        <table class="attributes">
          <thead><tr><th>Attribute</th><th>Value</th></tr></thead>
          <tbody>
          {{#attributes}}<tr><th scope="row">{{label}}{{#schema}} <small>{{schema}}</small>{{/schema}}</th><td>{{value}}</td></tr>{{/attributes}}
          </tbody>
        </table>
        """

    static let recent = """
        <h2>Recent requests</h2>
        {{^events}}<p>None recorded.</p>{{/events}}
        {{>activity-table}}
        """

    static let groups = """
        {{>top}}
        <h1>Groups <small>{{total}}</small></h1>
        <form method="get" action="/admin/groups" class="search">
          <input type="search" name="q" value="{{q}}" placeholder="Group name" aria-label="Search groups">
          <button type="submit">Search</button>
        </form>
        {{^groups}}<p class="notice">No group matches.</p>{{/groups}}
        <table>
          <thead><tr><th>Name</th><th>externalId</th></tr></thead>
          <tbody>
          {{#groups}}<tr><td><a href="/admin/groups/{{id}}">{{name}}</a></td><td><code>{{externalId}}</code></td></tr>{{/groups}}
          </tbody>
        </table>
        {{>pager}}
        {{>bottom}}
        """

    static let group = """
        {{>top}}
        <p><a href="/admin/groups">Groups</a> ›</p>
        <h1>{{title}}</h1>
        {{>details}}
        <h2>Members</h2>
        {{^members}}<p>No members{{#firstMembers}} after this point{{/firstMembers}}.</p>{{/members}}
        <ul class="members">
          {{#members}}<li>{{#isUser}}<a href="/admin/people/{{id}}">{{name}}</a>{{/isUser}}{{^isUser}}<a href="/admin/groups/{{id}}">{{name}}</a> <small>group</small>{{/isUser}}</li>{{/members}}
        </ul>
        <nav class="pager" aria-label="Members">
          {{#firstMembers}}<a href="{{firstMembers}}">← First members</a>{{/firstMembers}}
          {{#nextMembers}}<a href="{{nextMembers}}" rel="next">More members →</a>{{/nextMembers}}
        </nav>
        {{>recent}}
        {{>bottom}}
        """
}
