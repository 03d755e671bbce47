extension Templates {
    static let people = """
        {{>top}}
        <h1>People <small>{{total}}</small></h1>
        <form method="get" action="{{base}}/people" class="filters">
          <input type="search" name="q" value="{{q}}" placeholder="Search name, userName, email, externalId" aria-label="Search people">
          <select name="status" aria-label="Status">
            {{#statuses}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/statuses}}
          </select>
          <select name="group" aria-label="Group">
            <option value="">Any group</option>
            {{#groups}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/groups}}
          </select>
          <select name="sort" aria-label="Sort by">
            {{#sorts}}<option value="{{value}}" {{#selected}}selected{{/selected}}>Sort: {{label}}</option>{{/sorts}}
          </select>
          <button type="submit">Apply</button>
        </form>
        {{^hasPeople}}<p class="notice">{{empty}}</p>{{/hasPeople}}
        {{#hasPeople}}
        <div class="table-wrap">
        <table class="list">
          <thead><tr><th>Name</th><th>userName</th><th>Email</th><th>Title</th><th>Status</th><th>Last changed</th></tr></thead>
          <tbody>
          {{#people}}
          <tr><td data-label="Name"><a href="{{href}}">{{name}}</a></td><td data-label="userName">{{userName}}</td>
            <td data-label="Email">{{email}}</td><td data-label="Title">{{title}}</td>
            <td data-label="Status">{{#active}}<span class="status">Active</span>{{/active}}{{^active}}<span class="status off">Deactivated</span>{{/active}}</td>
            <td data-label="Last changed">{{modified}}</td></tr>
          {{/people}}
          </tbody>
        </table>
        </div>
        {{/hasPeople}}
        {{#pager}}{{>pager}}{{/pager}}
        {{>bottom}}
        """

    static let pager = """
        <nav class="pager" aria-label="Pages">
          {{#previous}}<a class="button" href="{{previous}}" rel="prev">← Previous</a>{{/previous}}{{^previous}}<span class="button" aria-disabled="true">← Previous</span>{{/previous}}
          {{^beyond}}<span>Page {{page}} of {{pages}}</span>{{/beyond}}
          {{#next}}<a class="button" href="{{next}}" rel="next">Next →</a>{{/next}}{{^next}}<span class="button" aria-disabled="true">Next →</span>{{/next}}
        </nav>
        """

    static let person = """
        {{>top}}
        <p><a href="{{base}}/people">People</a> ›</p>
        <header class="profile">
          <div class="avatar" aria-hidden="true">{{initials}}</div>
          <div>
            <h1>{{name}} {{#active}}<span class="status">Active</span>{{/active}}{{^active}}<span class="status off">Deactivated</span>{{/active}}</h1>
            <p class="meta">{{meta}}</p>
          </div>
        </header>
        <dl class="facts">
          {{#facts}}<dt>{{label}}</dt><dd>{{#href}}<a href="{{href}}">{{value}}</a>{{/href}}{{^href}}{{value}}{{/href}}</dd>{{/facts}}
          <dt>Groups</dt><dd>{{^hasGroups}}None{{/hasGroups}}{{#groups}}<a href="{{href}}">{{name}}</a> {{/groups}}</dd>
        </dl>
        {{#details}}{{>details}}{{/details}}
        {{>bottom}}
        """

    /// Provenance, every attribute as the identity provider sent it, and recent requests.
    static let details = """
        <dl class="facts">
          <dt>Created</dt><dd>{{created}} by {{createdBy}}</dd>
          <dt>Last changed</dt><dd>{{modified}} by {{modifiedBy}} (version {{version}})</dd>
          <dt>id</dt><dd><code>{{id}}</code></dd>
        </dl>
        <h2>Recent requests</h2>
        {{^hasEvents}}<p class="muted">None recorded.</p>{{/hasEvents}}
        {{>activity-list}}
        <h2>All attributes</h2>
        <div class="table-wrap">
        <table class="attributes">
          <thead><tr><th>Attribute</th><th>Value</th></tr></thead>
          <tbody>
          {{#attributes}}<tr><th scope="row">{{label}}{{#namespace}} <span class="badge">{{namespace}}</span>{{/namespace}}</th><td>{{value}}</td></tr>{{/attributes}}
          </tbody>
        </table>
        </div>
        """

    static let groups = """
        {{>top}}
        <h1>Groups <small>{{total}}</small></h1>
        <form method="get" action="{{base}}/groups" class="filters">
          <input type="search" name="q" value="{{q}}" placeholder="Search group names" aria-label="Search groups">
          <button type="submit">Search</button>
        </form>
        {{^hasGroups}}<p class="notice">{{empty}}</p>{{/hasGroups}}
        {{#hasGroups}}
        <div class="table-wrap">
        <table class="list">
          <thead><tr><th>Name</th><th>Members</th><th>externalId</th></tr></thead>
          <tbody>
          {{#groups}}<tr><td data-label="Name"><a href="{{href}}">{{name}}</a></td><td data-label="Members">{{members}}</td>
            <td data-label="externalId"><code>{{externalId}}</code></td></tr>{{/groups}}
          </tbody>
        </table>
        </div>
        {{/hasGroups}}
        {{#pager}}{{>pager}}{{/pager}}
        {{>bottom}}
        """

    static let group = """
        {{>top}}
        <p><a href="{{base}}/groups">Groups</a> ›</p>
        <h1>{{name}} <small>{{memberCount}} members</small></h1>
        <h2>Members</h2>
        {{^hasMembers}}<p class="muted">No members{{#pager.beyond}} on this page{{/pager.beyond}}.</p>{{/hasMembers}}
        {{#hasMembers}}
        <div class="table-wrap">
        <table class="list">
          <thead><tr><th>Name</th><th>userName</th><th>Email</th><th>Status</th></tr></thead>
          <tbody>
          {{#members}}
          <tr><td data-label="Name"><a href="{{href}}">{{name}}</a></td><td data-label="userName">{{userName}}</td>
            <td data-label="Email">{{email}}</td>
            <td data-label="Status">{{#active}}<span class="status">Active</span>{{/active}}{{^active}}<span class="status off">Deactivated</span>{{/active}}</td></tr>
          {{/members}}
          </tbody>
        </table>
        </div>
        {{/hasMembers}}
        {{#pager}}{{>pager}}{{/pager}}
        {{#details}}{{>details}}{{/details}}
        {{>bottom}}
        """
}
