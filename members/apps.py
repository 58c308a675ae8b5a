from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("党支部与成员")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from members.sessions import note_login

        user_logged_in.connect(note_login, dispatch_uid="members.sessions.note_login")
