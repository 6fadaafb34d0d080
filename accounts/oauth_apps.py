"""Third-party applications: developers register them, listeners see and revoke the ones they allowed.

Registration is django-oauth-toolkit's, held to what the project offers third
parties: the authorization code grant (with PKCE) for apps that act for a
listener, client credentials for apps that only read the public catalog, and
redirect URIs that are https, or http back to the listener's own machine.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from oauth2_provider import views as oauth_views
from oauth2_provider.models import Application

from accounts import selectors, services
from accounts.auth import AuthenticatedHttpRequest
from accounts.oauth import redirect_uri_acceptable

GRANTS = [
    (Application.GRANT_AUTHORIZATION_CODE, gettext_lazy("Authorization code (PKCE): for listeners")),
    (Application.GRANT_CLIENT_CREDENTIALS, gettext_lazy("Client credentials: public music only")),
]


class ApplicationForm(forms.ModelForm):
    authorization_grant_type = forms.ChoiceField(
        choices=GRANTS,
        label=gettext_lazy("How the app signs in"),
        help_text=gettext_lazy(
            "With an authorization code, the app acts for each listener who allows it, within what they "
            "allowed. With client credentials, it acts for no one and reads only what anyone may hear."
        ),
    )
    client_type = forms.ChoiceField(
        choices=[
            (Application.CLIENT_CONFIDENTIAL, pgettext_lazy("client type", "Confidential")),
            (Application.CLIENT_PUBLIC, pgettext_lazy("client type", "Public")),
        ],
        initial=Application.CLIENT_PUBLIC,
        label=gettext_lazy("Client type"),
        help_text=gettext_lazy(
            "Confidential if the app keeps a secret on a server; public for browser and mobile apps."
        ),
    )
    redirect_uris = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Redirect URIs"),
        help_text=gettext_lazy(
            "One per line: https, or http://127.0.0.1 or http://[::1] for an app on the listener's computer."
        ),
    )

    class Meta:
        model = Application
        fields = ("name", "authorization_grant_type", "client_type", "redirect_uris")
        labels = {"name": gettext_lazy("Name")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        grant, uris = data.get("authorization_grant_type"), data.get("redirect_uris", "").split()
        refused = [uri for uri in uris if not redirect_uri_acceptable(uri)]
        if refused:
            self.add_error(
                "redirect_uris",
                _("Not allowed: %(uris)s. Use https, or http on 127.0.0.1, [::1] or localhost.")
                % {"uris": ", ".join(refused)},
            )
        if grant == Application.GRANT_AUTHORIZATION_CODE and not uris:
            self.add_error("redirect_uris", _("An app that acts for listeners needs at least one redirect URI."))
        if grant == Application.GRANT_CLIENT_CREDENTIALS:
            if data.get("client_type") != Application.CLIENT_CONFIDENTIAL:
                self.add_error("client_type", _("Client credentials need a confidential client: it keeps a secret."))
            if uris:
                self.add_error("redirect_uris", _("Client credentials never redirect: leave this empty."))
        return data

    def save(self, commit: bool = True) -> Application:
        application: Application = super().save(commit=False)
        application.redirect_uris = "\n".join(self.cleaned_data["redirect_uris"].split())
        application.algorithm = Application.NO_ALGORITHM
        application.skip_authorization = False
        if commit:
            application.save()
        return application


class ApplicationRegistration(oauth_views.ApplicationRegistration):
    template_name = "oauth2_provider/application_form.html"

    def get_form_class(self) -> type[ApplicationForm]:
        return ApplicationForm

    def form_valid(self, form: ApplicationForm) -> HttpResponse:
        form.instance.user = self.request.user
        secret = form.instance.client_secret  # shown once: only its hash is kept
        application = form.save()
        context = {"application": application, "client_secret": secret}
        return render(self.request, "oauth2_provider/application_detail.html", context, status=201)


class ApplicationUpdate(oauth_views.ApplicationUpdate):
    template_name = "oauth2_provider/application_form.html"

    def get_form_class(self) -> type[ApplicationForm]:
        return ApplicationForm


class ApplicationList(oauth_views.ApplicationList):
    template_name = "oauth2_provider/application_list.html"


class ApplicationDetail(oauth_views.ApplicationDetail):
    template_name = "oauth2_provider/application_detail.html"


class ApplicationDelete(oauth_views.ApplicationDelete):
    template_name = "oauth2_provider/application_confirm_delete.html"
    success_url = reverse_lazy("oauth2_provider:list")


@login_required
@require_http_methods(["GET"])
def connected_apps(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The apps this listener allowed to act for them, with what each may do."""
    apps = selectors.oauth_applications_authorised(user=request.user)
    return render(request, "accounts/connected_apps.html", {"apps": apps})


@login_required
@require_POST
def connected_app_revoke(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    name = services.oauth_application_revoke(user=request.user, application_id=application_id)
    if name:
        messages.success(request, _("%(name)s can no longer act for you.") % {"name": name})
    return redirect("accounts:connected_apps")
