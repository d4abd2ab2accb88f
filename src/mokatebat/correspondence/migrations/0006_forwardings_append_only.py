from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0005_secretariat_and_units")]

    operations = [
        migrations.RunSQL(
            "CREATE TRIGGER correspondence_forwarding_append_only BEFORE UPDATE OR DELETE ON correspondence_forwarding "
            "FOR EACH ROW EXECUTE FUNCTION mokatebat_forbid_change();",
            "DROP TRIGGER IF EXISTS correspondence_forwarding_append_only ON correspondence_forwarding;",
        )
    ]
