/// What the migration to organizations does alike on both dialects, once the organization column exists: the
/// indexes of resources and of their values are made again, led by the organization's key.
public enum OrganizationMigration {
    public static let indexesLedByOrganization = [
        "DROP INDEX resources_by_unique_key",
        "CREATE UNIQUE INDEX resources_by_unique_key ON resources(org_pk, kind, unique_key)",
        "DROP INDEX resources_by_external_id",
        "CREATE INDEX resources_by_external_id ON resources(org_pk, kind, external_id)",
        "DROP INDEX resources_by_kind",
        "CREATE INDEX resources_by_kind ON resources(org_pk, kind, pk)",
        "DROP INDEX resources_by_kind_created",
        "CREATE INDEX resources_by_kind_created ON resources(org_pk, kind, created_ms, pk)",
        "DROP INDEX resources_by_kind_modified",
        "CREATE INDEX resources_by_kind_modified ON resources(org_pk, kind, modified_ms, pk)",
        "DROP INDEX attribute_values_by_text",
        "CREATE INDEX attribute_values_by_text ON attribute_values(org_pk, path, text_value, resource_pk)",
        "DROP INDEX attribute_values_by_number",
        "CREATE INDEX attribute_values_by_number ON attribute_values(org_pk, path, number_value, resource_pk)",
        "DROP INDEX attribute_values_by_time",
        "CREATE INDEX attribute_values_by_time ON attribute_values(org_pk, path, time_value, resource_pk)",
        "CREATE INDEX tokens_by_organization ON tokens(org_pk, created_ms)",
        // A request no token was accepted for belongs to no organization.
        "UPDATE activity SET org_pk = NULL WHERE token_id IS NULL",
        "DROP INDEX activity_by_client",
        "CREATE INDEX activity_by_organization ON activity(org_pk, id)",
        "CREATE INDEX activity_by_organization_client ON activity(org_pk, client, id)",
    ]
}
