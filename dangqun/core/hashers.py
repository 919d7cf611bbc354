"""A cheap Argon2 for the test suite only (settings select it when DANGQUN_TESTING=1)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"
    time_cost = 1
    memory_cost = 256
    parallelism = 1
