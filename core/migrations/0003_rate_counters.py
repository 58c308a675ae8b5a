"""The rate limits' counters and locks in a table of their own (core.ratelimit): a cache
culls or evicts keys when full, which would drop live locks."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_allowances'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateCounter',
            fields=[
                ('key', models.CharField(max_length=200, primary_key=True, serialize=False)),
                ('count', models.PositiveIntegerField(default=0)),
                ('counted_until', models.FloatField(db_index=True, default=0)),
                ('locked_until', models.FloatField(default=0)),
            ],
        ),
    ]
