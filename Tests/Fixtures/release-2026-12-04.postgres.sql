--
-- PostgreSQL database dump
--

\restrict wqY8VegoLDWySvxlLjW2NmJnjxUG9vtNtuBfbh6PuXMh5xP4igrgLepksUpnMGt

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: roster_count_delete(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.roster_count_delete() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE resource_counts SET total = total - 1, deletions = deletions + 1 WHERE kind = OLD.kind;
    RETURN OLD;
END $$;


--
-- Name: roster_count_insert(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.roster_count_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE resource_counts SET total = total + 1 WHERE kind = NEW.kind;
    IF NEW.pk IS NULL THEN
        NEW.pk := nextval(pg_get_serial_sequence('resources', 'pk'));
    END IF;
    RETURN NEW;
END $$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: activity; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.activity (
    id bigint NOT NULL,
    time_ms bigint NOT NULL,
    request_id text NOT NULL,
    token_id text,
    token_name text,
    client text NOT NULL COLLATE pg_catalog."C",
    method text NOT NULL,
    path text NOT NULL,
    status bigint NOT NULL,
    resource_kind text,
    resource_id text COLLATE pg_catalog."C",
    resource_name text,
    changes text NOT NULL,
    detail text,
    duration_ms double precision NOT NULL
);


--
-- Name: activity_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.activity ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.activity_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: admins; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.admins (
    id text NOT NULL,
    username text NOT NULL,
    username_key text NOT NULL COLLATE pg_catalog."C",
    password_hash text NOT NULL,
    created_ms bigint NOT NULL
);


--
-- Name: attribute_values; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.attribute_values (
    resource_pk bigint NOT NULL,
    path text NOT NULL COLLATE pg_catalog."C",
    element integer NOT NULL,
    text_value text COLLATE pg_catalog."C",
    number_value double precision,
    bool_value smallint,
    time_value bigint
);


--
-- Name: custom_fields; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.custom_fields (
    id text NOT NULL,
    label text NOT NULL,
    attribute_name text NOT NULL,
    attribute_key text NOT NULL,
    namespace text NOT NULL,
    type text NOT NULL,
    options text NOT NULL,
    enabled bigint NOT NULL,
    created_ms bigint NOT NULL
);


--
-- Name: memberships; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.memberships (
    group_pk bigint NOT NULL,
    member_pk bigint NOT NULL
);


--
-- Name: provenance; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.provenance (
    resource_id text NOT NULL COLLATE pg_catalog."C",
    created_ms bigint,
    created_by text,
    modified_ms bigint,
    modified_by text
);


--
-- Name: resource_counts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resource_counts (
    kind text NOT NULL COLLATE pg_catalog."C",
    total bigint NOT NULL,
    deletions bigint NOT NULL
);


--
-- Name: resources; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resources (
    pk bigint NOT NULL,
    id text NOT NULL COLLATE pg_catalog."C",
    kind text NOT NULL COLLATE pg_catalog."C",
    version bigint NOT NULL,
    created_ms bigint NOT NULL,
    modified_ms bigint NOT NULL,
    unique_key text COLLATE pg_catalog."C",
    external_id text COLLATE pg_catalog."C",
    display text,
    body text NOT NULL
);


--
-- Name: resources_pk_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.resources_pk_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: resources_pk_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.resources_pk_seq OWNED BY public.resources.pk;


--
-- Name: roster_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.roster_migrations (
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    hash text NOT NULL,
    admin_id text NOT NULL,
    csrf_token text NOT NULL,
    created_ms bigint NOT NULL,
    expires_ms bigint NOT NULL
);


--
-- Name: settings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.settings (
    name text NOT NULL,
    value text NOT NULL
);


--
-- Name: tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tokens (
    id text NOT NULL,
    description text NOT NULL,
    status text NOT NULL,
    hash text NOT NULL,
    prefix text NOT NULL,
    created_ms bigint NOT NULL,
    last_used_ms bigint
);


--
-- Data for Name: activity; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (1, 1796410118706, '1de0cbc61e55010d2112f6261ee2622e', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'POST', '/scim/v2/Users', 201, 'User', '01a24263-1238-7368-8c89-d02bf04eb161', 'alice@example.com', 'userName
name.familyName
name.givenName
active
emails
department
cost-center-code
badge-level', NULL, 13.814058);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (2, 1796410118724, '1de0cbc61e55010d2112f6261ee2622f', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'POST', '/scim/v2/Users', 201, 'User', '01a24263-1244-7041-83e9-a77856c8209e', 'bob@example.com', 'userName
name.familyName
name.givenName
active
emails
manager', NULL, 4.481857);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (3, 1796410118732, '1de0cbc61e55010d2112f6261ee26230', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'POST', '/scim/v2/Users', 201, 'User', '01a24263-124c-7a3c-89ee-0a6a6f09e47d', 'carol@example.com', 'userName
name.familyName
name.givenName
active
emails
title', NULL, 4.292205);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (4, 1796410118738, '1de0cbc61e55010d2112f6261ee26231', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'POST', '/scim/v2/Users', 201, 'User', '01a24263-1252-7624-ba43-32ddc9dc48a5', 'dave@example.com', 'userName
name.familyName
name.givenName
active
emails', NULL, 4.90154);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (5, 1796410118746, '1de0cbc61e55010d2112f6261ee26232', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'POST', '/scim/v2/Users', 201, 'User', '01a24263-125a-7776-b6f3-73de7e9b319e', 'erin@example.com', 'userName
name.familyName
name.givenName
active
emails', NULL, 5.576723);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (6, 1796410118755, '1de0cbc61e55010d2112f6261ee26233', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'PATCH', '/scim/v2/Users/01a24263-1252-7624-ba43-32ddc9dc48a5', 200, 'User', '01a24263-1252-7624-ba43-32ddc9dc48a5', 'dave@example.com', 'active', NULL, 9.756532);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (7, 1796410118768, '1de0cbc61e55010d2112f6261ee26234', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'DELETE', '/scim/v2/Users/01a24263-125a-7776-b6f3-73de7e9b319e', 204, 'User', '01a24263-125a-7776-b6f3-73de7e9b319e', NULL, '', NULL, 6.988851);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (8, 1796410118778, '1de0cbc61e55010d2112f6261ee26235', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'POST', '/scim/v2/Users', 409, 'User', NULL, NULL, '', 'A user with this userName already exists.', 3.078091);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (9, 1796410118784, '1de0cbc61e55010d2112f6261ee26236', NULL, NULL, 'okta', 'GET', '/scim/v2/Users', 401, 'User', NULL, NULL, '', 'The token is unknown, inactive or revoked.', 1.592946);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (10, 1796410118788, '1de0cbc61e55010d2112f6261ee26237', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'POST', '/scim/v2/Groups', 201, 'Group', '01a24263-1284-777e-9724-a4e23b5c2fae', 'Engineering', 'displayName
members (+1)', NULL, 5.785353);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (11, 1796410118798, '1de0cbc61e55010d2112f6261ee26238', '01a24263-0f9c-700e-b472-37ce6c01730d', 'Entra ID', 'entra', 'POST', '/scim/v2/Groups', 201, 'Group', '01a24263-1290-78b9-a5a4-63e6aafc8b9e', 'Sales', 'displayName', NULL, 5.119865);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (12, 1796410118807, '1de0cbc61e55010d2112f6261ee26239', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'PATCH', '/scim/v2/Groups/01a24263-1284-777e-9724-a4e23b5c2fae', 204, 'Group', '01a24263-1284-777e-9724-a4e23b5c2fae', 'Engineering', 'members (+1)', NULL, 7.162187);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (13, 1796410118818, '1de0cbc61e55010d2112f6261ee2623a', '01a24263-0f9c-700e-b472-37ce6c01730d', 'Entra ID', 'entra', 'PATCH', '/scim/v2/Groups/01a24263-1290-78b9-a5a4-63e6aafc8b9e', 204, 'Group', '01a24263-1290-78b9-a5a4-63e6aafc8b9e', 'Sales', 'members (+1)', NULL, 7.447622);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (14, 1796410119165, '1de0cbc61e55010d2112f6261ee2623f', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'GET', '/scim/v2/Users/01a24263-1238-7368-8c89-d02bf04eb161', 200, 'User', '01a24263-1238-7368-8c89-d02bf04eb161', 'alice@example.com', '', NULL, 6.599542);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (15, 1796410119174, '1de0cbc61e55010d2112f6261ee26240', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'GET', '/scim/v2/Users/01a24263-1244-7041-83e9-a77856c8209e', 200, 'User', '01a24263-1244-7041-83e9-a77856c8209e', 'bob@example.com', '', NULL, 3.653247);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (16, 1796410119180, '1de0cbc61e55010d2112f6261ee26241', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'GET', '/scim/v2/Users/01a24263-124c-7a3c-89ee-0a6a6f09e47d', 200, 'User', '01a24263-124c-7a3c-89ee-0a6a6f09e47d', 'carol@example.com', '', NULL, 3.5009);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (17, 1796410119186, '1de0cbc61e55010d2112f6261ee26242', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'GET', '/scim/v2/Users/01a24263-1252-7624-ba43-32ddc9dc48a5', 200, 'User', '01a24263-1252-7624-ba43-32ddc9dc48a5', 'dave@example.com', '', NULL, 3.564073);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (18, 1796410119192, '1de0cbc61e55010d2112f6261ee26243', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'GET', '/scim/v2/Groups/01a24263-1284-777e-9724-a4e23b5c2fae', 200, 'Group', '01a24263-1284-777e-9724-a4e23b5c2fae', 'Engineering', '', NULL, 1.778542);
INSERT INTO public.activity OVERRIDING SYSTEM VALUE VALUES (19, 1796410119199, '1de0cbc61e55010d2112f6261ee26244', '01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'okta', 'GET', '/scim/v2/Groups/01a24263-1290-78b9-a5a4-63e6aafc8b9e', 200, 'Group', '01a24263-1290-78b9-a5a4-63e6aafc8b9e', 'Sales', '', NULL, 1.545686);


--
-- Data for Name: admins; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.admins VALUES ('4632cf5f-fbac-4ce1-8c3d-cc3bd5b79983', 'ada', 'ada', '$2b$12$tss/6C9v65u8cXIFri.4zeiCY1R1KGNmFHnCabZ3y98xRPnpYpJpC', 1796410118585);


--
-- Data for Name: attribute_values; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.attribute_values VALUES (1, 'name.familyname', 0, 'archer', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (1, 'name.givenname', 0, 'alice', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (1, 'active', 0, NULL, NULL, 1, NULL);
INSERT INTO public.attribute_values VALUES (1, 'emails.value', 0, 'alice@example.com', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (1, 'emails.type', 0, 'work', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (1, 'emails.primary', 0, NULL, NULL, 1, NULL);
INSERT INTO public.attribute_values VALUES (1, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department', 0, 'r&d', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (1, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:cost-center-code', 0, 'cc-1', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (1, 'urn:ietf:params:scim:schemas:extension:roster:2.0:user:badge-level', 0, 'gold', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (2, 'name.familyname', 0, 'baker', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (2, 'name.givenname', 0, 'bob', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (2, 'active', 0, NULL, NULL, 1, NULL);
INSERT INTO public.attribute_values VALUES (2, 'emails.value', 0, 'bob@example.com', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (2, 'emails.type', 0, 'work', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (2, 'emails.primary', 0, NULL, NULL, 1, NULL);
INSERT INTO public.attribute_values VALUES (2, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager.value', 0, '01a24263-1238-7368-8c89-d02bf04eb161', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (3, 'name.familyname', 0, 'cole', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (3, 'name.givenname', 0, 'carol', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (3, 'title', 0, 'sales lead', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (3, 'active', 0, NULL, NULL, 1, NULL);
INSERT INTO public.attribute_values VALUES (3, 'emails.value', 0, 'carol@example.com', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (3, 'emails.type', 0, 'work', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (3, 'emails.primary', 0, NULL, NULL, 1, NULL);
INSERT INTO public.attribute_values VALUES (4, 'name.familyname', 0, 'dunn', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (4, 'name.givenname', 0, 'dave', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (4, 'active', 0, NULL, NULL, 0, NULL);
INSERT INTO public.attribute_values VALUES (4, 'emails.value', 0, 'dave@example.com', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (4, 'emails.type', 0, 'work', NULL, NULL, NULL);
INSERT INTO public.attribute_values VALUES (4, 'emails.primary', 0, NULL, NULL, 1, NULL);


--
-- Data for Name: custom_fields; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.custom_fields VALUES ('01a24263-1014-766d-a580-87f2f87eed13', 'Cost Center Code', 'cost-center-code', 'cost-center-code', 'enterprise', 'text', '[]', 1, 1796410118167);
INSERT INTO public.custom_fields VALUES ('01a24263-1053-7877-a2fd-f4c0a0fda169', 'Badge Level', 'badge-level', 'badge-level', 'roster', 'select', '["Gold","Silver"]', 1, 1796410118229);


--
-- Data for Name: memberships; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.memberships VALUES (7, 1);
INSERT INTO public.memberships VALUES (7, 2);
INSERT INTO public.memberships VALUES (8, 3);


--
-- Data for Name: provenance; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.provenance VALUES ('01a24263-1238-7368-8c89-d02bf04eb161', 1796410118706, 'Okta', NULL, NULL);
INSERT INTO public.provenance VALUES ('01a24263-1244-7041-83e9-a77856c8209e', 1796410118724, 'Okta', NULL, NULL);
INSERT INTO public.provenance VALUES ('01a24263-124c-7a3c-89ee-0a6a6f09e47d', 1796410118732, 'Okta', NULL, NULL);
INSERT INTO public.provenance VALUES ('01a24263-1252-7624-ba43-32ddc9dc48a5', 1796410118738, 'Okta', 1796410118755, 'Okta');
INSERT INTO public.provenance VALUES ('01a24263-1284-777e-9724-a4e23b5c2fae', 1796410118788, 'Okta', 1796410118807, 'Okta');
INSERT INTO public.provenance VALUES ('01a24263-1290-78b9-a5a4-63e6aafc8b9e', 1796410118798, 'Entra ID', 1796410118818, 'Entra ID');


--
-- Data for Name: resource_counts; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.resource_counts VALUES ('User', 4, 1);
INSERT INTO public.resource_counts VALUES ('Group', 2, 0);


--
-- Data for Name: resources; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.resources VALUES (4, '01a24263-1252-7624-ba43-32ddc9dc48a5', 'User', 2, 1796410118738, 1796410118759, 'dave@example.com', NULL, 'dave@example.com', '{"userName":"dave@example.com","name":{"familyName":"Dunn","givenName":"Dave"},"active":false,"emails":[{"value":"dave@example.com","type":"work","primary":true}]}');
INSERT INTO public.resources VALUES (1, '01a24263-1238-7368-8c89-d02bf04eb161', 'User', 2, 1796410118712, 1796410118712, 'alice@example.com', NULL, 'alice@example.com', '{"userName":"alice@example.com","name":{"familyName":"Archer","givenName":"Alice"},"active":true,"emails":[{"value":"alice@example.com","type":"work","primary":true}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D","cost-center-code":"CC-1"},"urn:ietf:params:scim:schemas:extension:roster:2.0:User":{"badge-level":"Gold"}}');
INSERT INTO public.resources VALUES (7, '01a24263-1284-777e-9724-a4e23b5c2fae', 'Group', 2, 1796410118788, 1796410118810, 'engineering', NULL, 'Engineering', '{"displayName":"Engineering"}');
INSERT INTO public.resources VALUES (2, '01a24263-1244-7041-83e9-a77856c8209e', 'User', 2, 1796410118724, 1796410118724, 'bob@example.com', NULL, 'bob@example.com', '{"userName":"bob@example.com","name":{"familyName":"Baker","givenName":"Bob"},"active":true,"emails":[{"value":"bob@example.com","type":"work","primary":true}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"01a24263-1238-7368-8c89-d02bf04eb161"}}}');
INSERT INTO public.resources VALUES (8, '01a24263-1290-78b9-a5a4-63e6aafc8b9e', 'Group', 2, 1796410118800, 1796410118821, 'sales', NULL, 'Sales', '{"displayName":"Sales"}');
INSERT INTO public.resources VALUES (3, '01a24263-124c-7a3c-89ee-0a6a6f09e47d', 'User', 2, 1796410118732, 1796410118732, 'carol@example.com', NULL, 'carol@example.com', '{"userName":"carol@example.com","name":{"familyName":"Cole","givenName":"Carol"},"active":true,"emails":[{"value":"carol@example.com","type":"work","primary":true}],"title":"Sales Lead"}');


--
-- Data for Name: roster_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.roster_migrations VALUES ('create resources, memberships and tokens', '2026-12-04 18:48:37.887955+00');
INSERT INTO public.roster_migrations VALUES ('index attribute values for filters and sorting', '2026-12-04 18:48:37.89748+00');
INSERT INTO public.roster_migrations VALUES ('create the console''s admins, sessions, settings, activity and provenance', '2026-12-04 18:48:37.904192+00');
INSERT INTO public.roster_migrations VALUES ('create custom user fields', '2026-12-04 18:48:37.913757+00');
INSERT INTO public.roster_migrations VALUES ('count resources by kind, and their deletions', '2026-12-04 18:48:37.916448+00');
INSERT INTO public.roster_migrations VALUES ('index only writes by resource', '2026-12-04 18:48:37.923722+00');


--
-- Data for Name: sessions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.sessions VALUES ('e1374660b812bd6b81ef763bc9a41e074ad98fa35e1dc007109ab1d335c0c697', '4632cf5f-fbac-4ce1-8c3d-cc3bd5b79983', 'OJhCGpQGbO0NtfvP_QrEBkBwNRVwEhmFuaidwDetyQ4', 1796410119142, 1796453319142);


--
-- Data for Name: settings; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.settings VALUES ('ignore_unknown_extension_attributes', 'true');


--
-- Data for Name: tokens; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tokens VALUES ('01a24263-0fd8-7140-b2fb-629855a8851d', 'Spare', 'inactive', 'd41643b7e3431682cfaaf89e6069a6a00dd94cf485b911e7ea9ae7ed307f1706', 'roster_6-nBQl', 1796410118104, NULL);
INSERT INTO public.tokens VALUES ('01a24263-0f61-72d8-9b46-8d5966693be7', 'Okta', 'active', '254243c239cbee1adf7b901bd83531b713fcc6061fcb95ba7cf05cba6228b125', 'roster_jB8oUm', 1796410117985, 1796410118707);
INSERT INTO public.tokens VALUES ('01a24263-0f9c-700e-b472-37ce6c01730d', 'Entra ID', 'active', 'c45f3f9fce5e249e5299df96c13b173d069487d8e75716992a7eaf546b30f627', 'roster_UOvIiR', 1796410118045, 1796410118798);


--
-- Name: activity_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.activity_id_seq', 19, true);


--
-- Name: resources_pk_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resources_pk_seq', 8, true);


--
-- Name: activity activity_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity
    ADD CONSTRAINT activity_pkey PRIMARY KEY (id);


--
-- Name: admins admins_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.admins
    ADD CONSTRAINT admins_pkey PRIMARY KEY (id);


--
-- Name: admins admins_username_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.admins
    ADD CONSTRAINT admins_username_key_key UNIQUE (username_key);


--
-- Name: custom_fields custom_fields_attribute_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_fields
    ADD CONSTRAINT custom_fields_attribute_key_key UNIQUE (attribute_key);


--
-- Name: custom_fields custom_fields_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_fields
    ADD CONSTRAINT custom_fields_pkey PRIMARY KEY (id);


--
-- Name: memberships memberships_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_pkey PRIMARY KEY (group_pk, member_pk);


--
-- Name: provenance provenance_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.provenance
    ADD CONSTRAINT provenance_pkey PRIMARY KEY (resource_id);


--
-- Name: resource_counts resource_counts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_counts
    ADD CONSTRAINT resource_counts_pkey PRIMARY KEY (kind);


--
-- Name: resources resources_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources
    ADD CONSTRAINT resources_id_key UNIQUE (id);


--
-- Name: resources resources_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources
    ADD CONSTRAINT resources_pkey PRIMARY KEY (pk);


--
-- Name: roster_migrations roster_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.roster_migrations
    ADD CONSTRAINT roster_migrations_pkey PRIMARY KEY (name);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (hash);


--
-- Name: settings settings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.settings
    ADD CONSTRAINT settings_pkey PRIMARY KEY (name);


--
-- Name: tokens tokens_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_hash_key UNIQUE (hash);


--
-- Name: tokens tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (id);


--
-- Name: activity_by_client; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX activity_by_client ON public.activity USING btree (client, id);


--
-- Name: activity_by_resource_written; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX activity_by_resource_written ON public.activity USING btree (resource_id, id) WHERE (method <> 'GET'::text);


--
-- Name: activity_by_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX activity_by_time ON public.activity USING btree (time_ms);


--
-- Name: attribute_values_by_number; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attribute_values_by_number ON public.attribute_values USING btree (path, number_value, resource_pk);


--
-- Name: attribute_values_by_resource; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attribute_values_by_resource ON public.attribute_values USING btree (resource_pk, path, element);


--
-- Name: attribute_values_by_text; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attribute_values_by_text ON public.attribute_values USING btree (path, text_value, resource_pk);


--
-- Name: attribute_values_by_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attribute_values_by_time ON public.attribute_values USING btree (path, time_value, resource_pk);


--
-- Name: memberships_by_member; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX memberships_by_member ON public.memberships USING btree (member_pk, group_pk);


--
-- Name: resources_by_external_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resources_by_external_id ON public.resources USING btree (kind, external_id);


--
-- Name: resources_by_kind; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resources_by_kind ON public.resources USING btree (kind, pk);


--
-- Name: resources_by_kind_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resources_by_kind_created ON public.resources USING btree (kind, created_ms, pk);


--
-- Name: resources_by_kind_modified; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resources_by_kind_modified ON public.resources USING btree (kind, modified_ms, pk);


--
-- Name: resources_by_unique_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX resources_by_unique_key ON public.resources USING btree (kind, unique_key);


--
-- Name: resources resources_counted_on_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER resources_counted_on_delete AFTER DELETE ON public.resources FOR EACH ROW EXECUTE FUNCTION public.roster_count_delete();


--
-- Name: resources resources_counted_on_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER resources_counted_on_insert BEFORE INSERT ON public.resources FOR EACH ROW EXECUTE FUNCTION public.roster_count_insert();


--
-- Name: attribute_values attribute_values_resource_pk_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attribute_values
    ADD CONSTRAINT attribute_values_resource_pk_fkey FOREIGN KEY (resource_pk) REFERENCES public.resources(pk) ON DELETE CASCADE;


--
-- Name: memberships memberships_group_pk_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_group_pk_fkey FOREIGN KEY (group_pk) REFERENCES public.resources(pk) ON DELETE CASCADE;


--
-- Name: memberships memberships_member_pk_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_member_pk_fkey FOREIGN KEY (member_pk) REFERENCES public.resources(pk) ON DELETE CASCADE;


--
-- Name: sessions sessions_admin_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES public.admins(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict wqY8VegoLDWySvxlLjW2NmJnjxUG9vtNtuBfbh6PuXMh5xP4igrgLepksUpnMGt

