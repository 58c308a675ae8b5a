"""Editors (编辑) create and submit; reviewers (审核) approve or reject with a comment.

Nothing an editor writes goes live until a reviewer approves it: editors get no publish
permission, and one approval task guards the whole tree.
"""

from django.db import migrations

EDITORS = "编辑"
REVIEWERS = "审核"
WORKFLOW = "内容审核"


def permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    perm, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return perm


def create_groups_and_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    access_admin = permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
    for group in (editors, reviewers):
        group.permissions.add(access_admin)

    root_page = Page.objects.filter(depth=1).first()
    page_perms = {
        editors: ["add", "change"],
        reviewers: ["add", "change", "publish", "lock", "unlock"],
    }
    for group, types in page_perms.items():
        for kind in types:
            perm = permission(apps, "wagtailcore", "page", f"{kind}_page", f"Can {kind} page")
            GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=perm)

    root_collection = Collection.objects.filter(depth=1).first()
    for group in (editors, reviewers):
        for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
            for kind in ("add", "change", "choose"):
                perm = permission(apps, app_label, model, f"{kind}_{model}", f"Can {kind} {model}")
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perm
                )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=REVIEWERS).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEWERS, content_type=task_type, active=True)
    task.groups.set([reviewers])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    # Our workflow replaces Wagtail's default "Moderators approval" on the whole tree.
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})


def remove_groups_and_workflow(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW).delete()
    apps.get_model("wagtailcore", "GroupApprovalTask").objects.filter(name=REVIEWERS).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, REVIEWERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_groups_and_workflow, remove_groups_and_workflow)]
