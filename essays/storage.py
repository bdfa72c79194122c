"""Where essay files live: the "essays" entry of settings.STORAGES (the local file system in
the embedded default, an S3-compatible store such as MinIO in production). A callable, so a
test or a deployment can change the setting without a migration."""

from __future__ import annotations

import secrets

from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """Local files with no URL at all: `base_url=None` in OPTIONS would fall back to MEDIA_URL,
    so `url()` itself refuses. Files are read only through the permission-checked view
    (essays.views_entries.essay_file)."""

    def url(self, name):
        raise ValueError("Essay files have no URL: serve them through essays.views_entries.")


def essays_storage():
    return storages["essays"]


def entry_file_name(entry, filename: str) -> str:
    """Random, unguessable, and never the person's own file name (it may carry their name)."""
    extension = {"pdf": ".pdf", "docx": ".docx"}.get(entry.file_type, "")
    return f"essays/{entry.task_id}/{secrets.token_hex(16)}{extension}"
