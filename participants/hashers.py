from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's first recommended setting: m=19 MiB, t=2, p=1.

    Django's own Argon2 hasher uses m=100 MiB, t=2, p=8; at a school's mass login that is both
    slower and 100 MiB of memory per concurrent login. OWASP's minimum keeps each login to a few
    milliseconds of one core while staying compliant. Hashes made with other parameters are
    upgraded at the next login (Django's must_update)."""

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
