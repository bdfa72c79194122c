from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PhoneOrDocumentBackend(ModelBackend):
    """Log in with the phone number (any common spelling) or the document number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        # Imported here: identity rules live in participants.identity.
        from participants.identity import find_user_for_login

        user = find_user_for_login(username)
        if user is None:
            # Same cost as a real check, so timing does not tell which accounts exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
