from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied


class PhoneOrDocumentBackend(ModelBackend):
    """Log in with the phone number (any common spelling), the document number or, for staff
    accounts, the username.

    Every password login is settled here with exactly one password hash: the account's hash is
    verified, or, when no account matches, one dummy hash is computed so that timing does not
    tell which accounts exist. A failure raises PermissionDenied, which makes Django's
    `authenticate()` stop without asking the next backend: `ModelBackend` stays in
    AUTHENTICATION_BACKENDS only for the sessions that name it and for permissions, and would
    otherwise hash the password a second time (Argon2id, the costly part of a login). Django
    still sends `user_login_failed`, so django-axes counts the failure."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if not username or password is None:
            return None
        # Imported here: loading the backend does not load the models.
        from participants.selectors import find_user_for_login

        user = find_user_for_login(username)
        if user is None:
            user = user_model._default_manager.filter(
                **{user_model.USERNAME_FIELD: username}
            ).first()
        if user is None:
            # Same cost as a real check, so timing does not tell which accounts exist.
            user_model().set_password(password)
            raise PermissionDenied
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        raise PermissionDenied

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )
