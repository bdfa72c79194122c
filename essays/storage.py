"""Where essay files live: the "essays" entry of settings.STORAGES (the local file system in
the embedded default, an S3-compatible store such as MinIO in production). A callable, so a
test or a deployment can change the setting without a migration."""

from __future__ import annotations

import secrets

from django.core.files.storage import storages


def essays_storage():
    return storages["essays"]


def entry_file_name(entry, filename: str) -> str:
    """Random, unguessable, and never the person's own file name (it may carry their name)."""
    extension = {"pdf": ".pdf", "docx": ".docx"}.get(entry.file_type, "")
    return f"essays/{entry.task_id}/{secrets.token_hex(16)}{extension}"
