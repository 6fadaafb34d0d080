from django import forms
from django.contrib.auth.forms import UserCreationForm

from accounts.models import Profile, User


class SignUpForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("username", "email", "display_name")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email


class AccountForm(forms.ModelForm):
    avatar = forms.ImageField(required=False, help_text="JPEG, PNG or WebP; cropped to a square.")
    current_password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Needed to change your email address. The new address gets a link to confirm it.",
    )
    field_order = ("display_name", "email", "current_password", "avatar")

    class Meta:
        model = User
        fields = ("display_name", "email")


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ("country", "streaming_quality", "explicit_content", "private_session", "autoplay", "language")
