from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def register(request):
    # Replaced by the registration issue (#4): identity-checked sign-up.
    return render(request, "participants/register.html")


@login_required
def my_contests(request):
    return render(request, "participants/my_contests.html")
