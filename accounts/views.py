from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.auth import AuthenticatedHttpRequest
from accounts.forms import AccountForm, PreferencesForm, SignUpForm
from accounts.models import User
from core.forms import form_focused


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
                language=translation.get_language() or "",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="accounts.backends.UsernameOrEmailBackend")
            messages.success(request, _("Welcome, %(name)s!") % {"name": user.public_name})
            # Back to the page that asked them to sign up (a shared album, say), when it is on this site.
            target = request.GET.get("next", "")
            safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
            if target and safe:
                return redirect(target)
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form_focused(form)})


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
        asked_email = User.objects.normalize_email(changes["email"]).strip()
        try:
            services.account_update(
                user=user,
                avatar=account_form.cleaned_data.get("avatar"),
                request=request,
                current_password=account_form.cleaned_data["current_password"],
                **changes,
            )
        except ValidationError as exc:
            account_form.add_error(None, exc)
        else:
            messages.success(request, _("Your settings are saved."))
            if asked_email != user.email:
                messages.info(
                    request,
                    _("To change your email address, open the link we sent to %(asked_email)s.")
                    % {"asked_email": asked_email},
                )
            return redirect("accounts:settings")
    # A refused form leaves the instances half-changed: show what is stored.
    user.refresh_from_db()
    context = {
        "account_form": form_focused(account_form),
        "preferences_form": form_focused(preferences_form),
        "profile": user.profile,
        "pending_email": selectors.email_change_pending(user=user),
    }
    return render(request, "accounts/settings.html", context)


@require_http_methods(["GET"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to a new email address: opening it makes the change."""
    try:
        user = services.email_change_confirm(token=token, base_url=request.build_absolute_uri("/"))
    except ValidationError as exc:
        context = {"message": " ".join(exc.messages)}
        return render(request, "accounts/email_change_failed.html", context, status=400)
    return render(request, "accounts/email_change_done.html", {"email": user.email})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, which asks for the old password; the new one also revokes every token the account's apps hold."""

    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        services.user_tokens_revoke(user=form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's; the new password also revokes every token the account's apps hold."""

    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        services.user_tokens_revoke(user=form.user)
        return response
