from django.shortcuts import render


def home(request):
    return render(request, "home.html")


def contest_list(request):
    # Filled in by the contests issue (#3): open, upcoming and finished contests.
    return render(request, "home.html")
