"""Allowances counted in the database (core.allowance): the search-log budget."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0001_ratelimit_table'),
    ]

    operations = [
        migrations.CreateModel(
            name='Allowance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=100)),
                ('window_start', models.DateTimeField(db_index=True)),
                ('used', models.PositiveIntegerField(default=1)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('key', 'window_start'), name='one_allowance_per_window')],
            },
        ),
    ]
