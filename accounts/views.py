from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.auth import AuthenticatedHttpRequest
from accounts.forms import AccountForm, PreferencesForm, SignUpForm


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="accounts.backends.UsernameOrEmailBackend")
            messages.success(request, f"Welcome, {user.public_name}!")
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    account_form = AccountForm(request.POST or None, request.FILES or None, instance=user)
    preferences_form = PreferencesForm(request.POST or None, instance=user.profile)
    if request.method == "POST" and account_form.is_valid() and preferences_form.is_valid():
        changes = {
            **{name: account_form.cleaned_data[name] for name in AccountForm.Meta.fields},
            **{name: preferences_form.cleaned_data[name] for name in PreferencesForm.Meta.fields},
        }
        try:
            services.account_update(user=user, avatar=account_form.cleaned_data.get("avatar"), **changes)
        except ValidationError as exc:
            account_form.add_error(None, exc)
        else:
            messages.success(request, "Your settings are saved.")
            return redirect("accounts:settings")
    # A refused form leaves the instances half-changed: show what is stored.
    user.refresh_from_db()
    context = {"account_form": account_form, "preferences_form": preferences_form, "profile": user.profile}
    return render(request, "accounts/settings.html", context)
