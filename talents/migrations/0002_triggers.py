"""Rules the database enforces for the talent library, on every write path (forms, services,
admin, queryset updates, bulk inserts, COPY, raw SQL):

1. `talents_profileaccess` is append-only: UPDATE and DELETE raise an error. (TRUNCATE, which
   only an administrator of the database runs, is not a row operation and stays possible.)
2. `talents_talent.search_consent` is true exactly when the person holds a `profile_search`
   consent that is not withdrawn: a trigger on `talents_consent` recomputes it for the person
   whose consent changed, and a trigger on new talent rows computes it on insert. Withdrawing
   the consent therefore hides the profile from every search in the same statement.
"""

from django.db import migrations

APPEND_ONLY = """
CREATE FUNCTION talents_profileaccess_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'talents_profileaccess is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER talents_profileaccess_append_only BEFORE UPDATE OR DELETE
    ON talents_profileaccess FOR EACH ROW EXECUTE FUNCTION talents_profileaccess_append_only();
"""

APPEND_ONLY_DROP = """
DROP TRIGGER talents_profileaccess_append_only ON talents_profileaccess;
DROP FUNCTION talents_profileaccess_append_only();
"""

SEARCH_CONSENT = """
CREATE FUNCTION talents_search_consent_of(person bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM talents_consent
        WHERE user_id = person AND purpose = 'profile_search' AND withdrawn_at IS NULL
    )
$$;

CREATE FUNCTION talents_consent_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE talents_talent SET search_consent = talents_search_consent_of(OLD.user_id)
            WHERE user_id = OLD.user_id
              AND search_consent IS DISTINCT FROM talents_search_consent_of(OLD.user_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE talents_talent SET search_consent = talents_search_consent_of(NEW.user_id)
            WHERE user_id = NEW.user_id
              AND search_consent IS DISTINCT FROM talents_search_consent_of(NEW.user_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER talents_consent_sync AFTER INSERT OR UPDATE OR DELETE
    ON talents_consent FOR EACH ROW EXECUTE FUNCTION talents_consent_sync();

CREATE FUNCTION talents_talent_consent_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_consent := talents_search_consent_of(NEW.user_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER talents_talent_consent_on_insert BEFORE INSERT
    ON talents_talent FOR EACH ROW EXECUTE FUNCTION talents_talent_consent_on_insert();

CREATE FUNCTION talents_talent_consent_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the consent records decide; a stale value written by an application is ignored.
    IF NEW.search_consent IS DISTINCT FROM OLD.search_consent
       AND pg_trigger_depth() = 1 THEN
        NEW.search_consent := OLD.search_consent;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER talents_talent_consent_keep BEFORE UPDATE OF search_consent
    ON talents_talent FOR EACH ROW EXECUTE FUNCTION talents_talent_consent_keep();

CREATE INDEX talents_consent_search_in_force ON talents_consent (user_id)
    WHERE purpose = 'profile_search' AND withdrawn_at IS NULL;
"""

SEARCH_CONSENT_DROP = """
DROP INDEX talents_consent_search_in_force;
DROP TRIGGER talents_talent_consent_keep ON talents_talent;
DROP FUNCTION talents_talent_consent_keep();
DROP TRIGGER talents_talent_consent_on_insert ON talents_talent;
DROP FUNCTION talents_talent_consent_on_insert();
DROP TRIGGER talents_consent_sync ON talents_consent;
DROP FUNCTION talents_consent_sync();
DROP FUNCTION talents_search_consent_of(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("talents", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(APPEND_ONLY, APPEND_ONLY_DROP),
        migrations.RunSQL(SEARCH_CONSENT, SEARCH_CONSENT_DROP),
    ]
